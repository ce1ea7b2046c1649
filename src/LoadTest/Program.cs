using AkkaChat.LoadTest.Cli;
using AkkaChat.LoadTest.Reporting;
using AkkaChat.LoadTest.Scenarios;

try
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.WriteLine(LoadOptions.Usage);
        return args.Length == 0 ? 64 : 0;
    }
    if (args[0] == "report") return MarkdownReport.Run(args[1..]);
    var options = LoadOptions.Parse(args);
    return await ScenarioRunner.RunAsync(options, "akkachat-loadtest " + string.Join(' ', args));
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"akkachat-loadtest: {e.Message}");
    Console.Error.WriteLine("run `akkachat-loadtest --help` for the options");
    return 64;
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"akkachat-loadtest: the server's HTTP API failed: {e.Message}");
    return 1;
}
catch (AkkaChat.LoadTest.Api.ApiRefusedException e)
{
    Console.Error.WriteLine($"akkachat-loadtest: the server refused a setup request: {e.Message}");
    return 1;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"akkachat-loadtest: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("akkachat-loadtest: cancelled (Ctrl-C or the run's time bound)");
    return 130;
}
