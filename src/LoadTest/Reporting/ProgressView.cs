namespace AkkaChat.LoadTest.Reporting;

using System.Globalization;
using AkkaChat.LoadTest.Cli;
using Spectre.Console;

/// <summary>One line of live progress.</summary>
public sealed record ProgressSnapshot(
    string Stage,
    double ElapsedSeconds,
    double? TotalSeconds,
    int OpenSockets,
    long Sent,
    long Delivered,
    double SendRate,
    double DeliveryRate,
    double IntervalP50Ms,
    double IntervalP99Ms,
    long Problems,
    double? ServerCpuPercent,
    double? ServerRssMiB,
    double GeneratorCpuPercent);

/// <summary>
/// Live progress: a Spectre.Console table redrawn every second on a terminal, or one plain line every few
/// seconds when the output goes to a file (bench.sh logs).
/// </summary>
public sealed class ProgressView
{
    private const int PlainEvery = 5;
    private readonly bool _live;
    private readonly bool _quiet;

    public ProgressView(ProgressMode mode)
    {
        _quiet = mode == ProgressMode.None;
        _live = mode == ProgressMode.Live
            || (mode == ProgressMode.Auto && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive);
    }

    public static void Log(string line) =>
        Console.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {line}");

    /// <summary>Samples every <paramref name="interval"/> until <paramref name="until"/> completes.</summary>
    public async Task RunAsync(Func<ProgressSnapshot> sample, Task until, TimeSpan interval)
    {
        if (_quiet)
        {
            while (!until.IsCompleted)
            {
                await Task.WhenAny(until, Task.Delay(interval));
                sample();
            }
            return;
        }
        if (!_live)
        {
            var n = 0;
            while (!until.IsCompleted)
            {
                await Task.WhenAny(until, Task.Delay(interval));
                var s = sample();
                if (++n % PlainEvery == 0 || until.IsCompleted) Log(Plain(s));
            }
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Expand();
        foreach (var column in new[] { "stage", "time", "sockets", "sent", "msgs/s", "delivered", "deliv/s", "p50 ms", "p99 ms", "problems", "server CPU", "server RSS", "generator CPU" })
            table.AddColumn(new TableColumn(column).RightAligned());
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async ctx =>
        {
            while (!until.IsCompleted)
            {
                await Task.WhenAny(until, Task.Delay(interval));
                var s = sample();
                table.Rows.Clear();
                table.AddRow(Cells(s));
                ctx.Refresh();
            }
        });
    }

    private static string[] Cells(ProgressSnapshot s) =>
    [
        s.Stage,
        s.TotalSeconds is { } total ? $"{s.ElapsedSeconds:F0}/{total:F0}s" : $"{s.ElapsedSeconds:F0}s",
        s.OpenSockets.ToString("N0", CultureInfo.InvariantCulture),
        s.Sent.ToString("N0", CultureInfo.InvariantCulture),
        s.SendRate.ToString("N0", CultureInfo.InvariantCulture),
        s.Delivered.ToString("N0", CultureInfo.InvariantCulture),
        s.DeliveryRate.ToString("N0", CultureInfo.InvariantCulture),
        s.IntervalP50Ms.ToString("F2", CultureInfo.InvariantCulture),
        s.IntervalP99Ms.ToString("F2", CultureInfo.InvariantCulture),
        s.Problems == 0 ? "0" : $"[red]{s.Problems:N0}[/]",
        s.ServerCpuPercent is { } cpu ? $"{cpu:F0}%" : "-",
        s.ServerRssMiB is { } rss ? $"{rss:F0} MiB" : "-",
        $"{s.GeneratorCpuPercent:F0}%",
    ];

    private static string Plain(ProgressSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Stage} {s.ElapsedSeconds:F0}s{(s.TotalSeconds is { } t ? $"/{t:F0}s" : "")}: sockets {s.OpenSockets:N0}, sent {s.Sent:N0} ({s.SendRate:N0}/s), delivered {s.Delivered:N0} ({s.DeliveryRate:N0}/s), p50 {s.IntervalP50Ms:F2} ms, p99 {s.IntervalP99Ms:F2} ms, problems {s.Problems:N0}, server {(s.ServerCpuPercent is { } c ? $"{c:F0}% CPU" : "-")} {(s.ServerRssMiB is { } r ? $"{r:F0} MiB" : "")}, generator {s.GeneratorCpuPercent:F0}% CPU");
}
