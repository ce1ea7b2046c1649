using AkkaChat.Ctl;
using Spectre.Console;

return await CtlApp.RunAsync(args, AnsiConsole.Console, Console.Error);
