namespace AkkaChat.Ctl;

using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

/// <summary>
/// What every command does: call one admin endpoint, then print its JSON as is (<c>--json</c>) or render it as tables.
/// A failure is one line on stderr and a non-zero exit (<see cref="CtlExit"/>).
/// </summary>
public abstract class AdminCommand<TSettings>(CtlOutput output) : AsyncCommand<TSettings>
    where TSettings : AdminSettings
{
    protected IAnsiConsole Console => output.Console;

    public override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            using var client = AdminClient.For(settings, output.Handler);
            var json = await CallAsync(client, settings, cancellationToken);
            if (settings.Json)
            {
                // Straight to the writer: the console would wrap a long line at its width.
                output.Console.Profile.Out.Writer.WriteLine(json);
                return 0;
            }
            using var document = JsonDocument.Parse(json);
            Render(document.RootElement, settings);
            return 0;
        }
        catch (CtlException e)
        {
            output.Errors.WriteLine($"akkachat-ctl: {e.Message}");
            return (int)e.Exit;
        }
        catch (JsonException e)
        {
            output.Errors.WriteLine($"akkachat-ctl: the node's answer is not the JSON expected ({e.Message})");
            return (int)CtlExit.Failed;
        }
    }

    protected abstract Task<string> CallAsync(AdminClient client, TSettings settings, CancellationToken cancel);

    protected abstract void Render(JsonElement json, TSettings settings);
}
