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
    private readonly int _plainEvery;
    private readonly bool _live;
    private readonly bool _quiet;

    public ProgressView(ProgressMode mode, int plainEverySeconds = 5)
    {
        _plainEvery = Math.Max(1, plainEverySeconds);
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
                if (++n % _plainEvery == 0 || until.IsCompleted) Log(Plain(s));
            }
            return;
        }
        // One metric per row: fits any terminal width.
        var table = new Table().Border(TableBorder.Rounded).AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async ctx =>
        {
            while (!until.IsCompleted)
            {
                await Task.WhenAny(until, Task.Delay(interval));
                var s = sample();
                table.Rows.Clear();
                foreach (var (name, value) in Cells(s)) table.AddRow(name, value);
                ctx.Refresh();
            }
        });
    }

    private static (string Name, string Value)[] Cells(ProgressSnapshot s) =>
    [
        ("stage", Markup.Escape(s.Stage)),
        ("time", s.TotalSeconds is { } total ? $"{s.ElapsedSeconds:F0} / {total:F0} s" : $"{s.ElapsedSeconds:F0} s"),
        ("open sockets", N(s.OpenSockets)),
        ("sent", $"{N(s.Sent)}  ({N(s.SendRate)}/s)"),
        ("delivered", $"{N(s.Delivered)}  ({N(s.DeliveryRate)}/s)"),
        ("latency p50 / p99 (last second)", $"{s.IntervalP50Ms.ToString("F2", CultureInfo.InvariantCulture)} / {s.IntervalP99Ms.ToString("F2", CultureInfo.InvariantCulture)} ms"),
        ("problems", s.Problems == 0 ? "0" : $"[red]{N(s.Problems)}[/]"),
        ("server CPU / RSS", s.ServerCpuPercent is { } cpu ? $"{cpu.ToString("F0", CultureInfo.InvariantCulture)}% / {(s.ServerRssMiB ?? 0).ToString("F0", CultureInfo.InvariantCulture)} MiB" : "- (no --server-pid)"),
        ("generator CPU", $"{s.GeneratorCpuPercent.ToString("F0", CultureInfo.InvariantCulture)}%"),
    ];

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Plain(ProgressSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Stage} {s.ElapsedSeconds:F0}s{(s.TotalSeconds is { } t ? $"/{t:F0}s" : "")}: sockets {s.OpenSockets:N0}, sent {s.Sent:N0} ({s.SendRate:N0}/s), delivered {s.Delivered:N0} ({s.DeliveryRate:N0}/s), p50 {s.IntervalP50Ms:F2} ms, p99 {s.IntervalP99Ms:F2} ms, problems {s.Problems:N0}, server {(s.ServerCpuPercent is { } c ? $"{c:F0}% CPU" : "-")} {(s.ServerRssMiB is { } r ? $"{r:F0} MiB" : "")}, generator {s.GeneratorCpuPercent:F0}% CPU");
}
