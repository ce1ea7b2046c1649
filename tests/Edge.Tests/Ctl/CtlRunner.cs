namespace AkkaChat.Edge.Tests.Ctl;

using System.Text.RegularExpressions;
using AkkaChat.Ctl;
using AkkaChat.Edge.Admin;
using Spectre.Console.Testing;

/// <summary>Runs akkachat-ctl in-process against a real node, its console and stderr captured.</summary>
public static partial class CtlRunner
{
    public static string TokenOf(ChatHost host) => File.ReadAllText(Path.Combine(host.DataDir, AdminToken.FileName)).Trim();

    /// <summary>Runs <paramref name="args"/> with the node's address and its admin token (from its data directory).</summary>
    public static Task<CtlRun> RunAsync(ChatHost host, params string[] args) =>
        RunRawAsync([.. args, "--server", host.BaseUri.ToString(), "--data-dir", host.DataDir]);

    public static async Task<CtlRun> RunRawAsync(params string[] args)
    {
        var console = new TestConsole().Width(200);
        var errors = new StringWriter();
        var exit = await CtlApp.RunAsync(args, console, errors);
        return new CtlRun(exit, console.Output, errors.ToString());
    }

    /// <summary>
    /// Output with its volatile values replaced by placeholders of the same width, so a table's columns stay aligned:
    /// ephemeral ports (five digits on Linux) and times to the second.
    /// </summary>
    public static string Normalised(string output) =>
        Instants().Replace(Ports().Replace(output.Replace("\r\n", "\n"), "127.0.0.1:PPPPP"), "YYYY-MM-DD hh:mm:ss UTC");

    [GeneratedRegex(@"127\.0\.0\.1:\d{5}")]
    private static partial Regex Ports();

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")]
    private static partial Regex Instants();
}

public sealed record CtlRun(int Exit, string Output, string Errors);
