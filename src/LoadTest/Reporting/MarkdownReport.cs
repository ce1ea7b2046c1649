namespace AkkaChat.LoadTest.Reporting;

using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>
/// <c>akkachat-loadtest report DIR [--primary akkachat] [--ceiling relay]</c>: reads every result JSON in DIR and
/// prints markdown tables comparing the primary target with the ceiling (same scenario, same run), with ratios.
/// </summary>
public static class MarkdownReport
{
    private static readonly string[] Order = ["connect", "direct", "group", "mixed", "storm", "find-max"];

    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count < 1) throw new ArgumentException("report needs a results directory");
        var dir = args[0];
        string? primary = null;
        string? ceiling = null;
        for (var i = 1; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count) throw new ArgumentException($"report option {args[i]} needs a value");
            switch (args[i])
            {
                case "--primary": primary = args[i + 1]; break;
                case "--ceiling": ceiling = args[i + 1]; break;
                default: throw new ArgumentException($"unknown report option {args[i]}");
            }
        }
        if (!Directory.Exists(dir)) throw new ArgumentException($"no results directory '{dir}'");
        var results = Load(dir);
        if (results.Count == 0) throw new ArgumentException($"no result JSON files in '{dir}' (akkachat-loadtest writes one per run: --out)");
        var (p, c) = Labels(results, primary, ceiling);
        Console.Write(Render(results, p, c));
        return 0;
    }

    /// <summary>Every run result in <paramref name="dir"/>; other JSON files there (fixtures) are skipped.</summary>
    public static List<RunResult> Load(string dir)
    {
        var results = new List<RunResult>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                if (JsonSerializer.Deserialize<RunResult>(File.ReadAllText(file), RunResult.Json) is { Settings: not null } r) results.Add(r);
            }
            catch (JsonException)
            {
                // Not a run result (a --fixture file, say).
            }
        }
        return results;
    }

    /// <summary>
    /// The primary and ceiling labels: the ones asked for, else akkachat and relay when those ran, else the labels
    /// found in order (a single target has no ceiling). An asked-for label that is not in the results is an error.
    /// </summary>
    public static (string Primary, string? Ceiling) Labels(IReadOnlyList<RunResult> results, string? primary, string? ceiling)
    {
        var labels = results.Select(r => r.Label).Distinct().ToList();
        foreach (var asked in new[] { primary, ceiling }.OfType<string>())
        {
            if (!labels.Contains(asked)) throw new ArgumentException($"no results labelled '{asked}' (found: {string.Join(", ", labels)})");
        }
        primary ??= labels.Contains("akkachat") && ceiling != "akkachat"
            ? "akkachat"
            : labels.FirstOrDefault(l => l != ceiling) ?? throw new ArgumentException($"only '{ceiling}' ran: there is no primary to compare with it");
        ceiling ??= labels.Contains("relay") && primary != "relay" ? "relay" : labels.FirstOrDefault(l => l != primary);
        return (primary, ceiling);
    }

    public static string Render(IReadOnlyList<RunResult> results, string primary, string? ceiling)
    {
        var md = new StringBuilder();
        // Scenarios that neither label ran are left out: there is nothing to compare.
        var byScenario = results.Where(r => r.Label == primary || r.Label == ceiling).GroupBy(r => r.Scenario)
            .OrderBy(g => Array.IndexOf(Order, g.Key) is var i && i < 0 ? 99 : i).ToList();
        // One target alone (no ceiling): one value column, no ratios.
        string Cells(string head, string a, string b, string ratio) =>
            ceiling is null ? $"{head} | {a} |" : $"{head} | {a} | {b} | {ratio} |";

        md.AppendLine("### Summary").AppendLine();
        md.AppendLine(Cells("| scenario | measure", primary, ceiling ?? "", $"{primary} / {ceiling}"));
        md.AppendLine(ceiling is null ? "|---|---|---:|" : "|---|---|---:|---:|---:|");
        foreach (var g in byScenario)
        {
            var a = g.FirstOrDefault(r => r.Label == primary);
            var b = g.FirstOrDefault(r => r.Label == ceiling);
            foreach (var (measure, value, ratio) in Headline(g.Key))
            {
                md.AppendLine(g.Key == "find-max"
                    ? Cells($"| {g.Key} | {measure}", MaxRate(a), MaxRate(b), Ratio(value(a), value(b)))
                    : Cells($"| {g.Key} | {measure}", Fmt(value(a)), Fmt(value(b)), ratio ? Ratio(value(a), value(b)) : "–"));
            }
        }
        md.AppendLine();

        foreach (var g in byScenario)
        {
            var a = g.FirstOrDefault(r => r.Label == primary);
            var b = g.FirstOrDefault(r => r.Label == ceiling);
            var any = a ?? b ?? g.First();
            md.AppendLine($"### {g.Key}").AppendLine();
            md.AppendLine(Describe(any)).AppendLine();
            md.AppendLine(Cells("|", primary, ceiling ?? "", "ratio"));
            md.AppendLine(ceiling is null ? "|---|---:|" : "|---|---:|---:|---:|");
            foreach (var (name, value) in Rows(g.Key))
            {
                var isCount = name is "sent" or "acked" or "delivered" or "lost deliveries" or "duplicated" or "sockets dropped" or "reconnected";
                md.AppendLine(Cells($"| {name}", Fmt(value(a)), Fmt(value(b)), isCount ? "–" : Ratio(value(a), value(b))));
            }
            md.AppendLine();
            foreach (var r in new[] { a, b }.OfType<RunResult>())
            {
                if (r.FindMax is { } f)
                {
                    md.AppendLine($"{r.Label} steps ({f.Mode}, target p99 ≤ {f.TargetP99Ms} ms):").AppendLine();
                    md.AppendLine("| offered/s | sent msgs/s | deliveries/s | p50 ms | p99 ms | max ms | lost | server CPU | verdict |");
                    md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
                    foreach (var s in f.Steps)
                        md.AppendLine(Inv($"| {s.OfferedRate:N0} | {s.MessagesPerSecond:N0} | {s.DeliveriesPerSecond:N0} | {s.LatencyMs.P50} | {s.LatencyMs.P99} | {s.LatencyMs.Max} | {s.LostDeliveries} | {Summary.NotMeasured(s.ServerCpuPercent, "%", "F0")} | {s.Verdict} |"));
                    md.AppendLine().AppendLine($"Stopped: {f.StopReason}.").AppendLine();
                }
            }
            md.AppendLine("What limited it (measured):").AppendLine();
            foreach (var r in new[] { a, b }.OfType<RunResult>())
            {
                md.AppendLine($"- **{r.Label}**: {(r.Limits.Count == 0 ? "nothing stood out" : string.Join("; ", r.Limits))}.");
                if (r.Verify.Problems.Count > 0) md.AppendLine($"  Verification: {string.Join("; ", r.Verify.Problems)}.");
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    private static string Describe(RunResult r)
    {
        var s = r.Settings;
        return r.Scenario switch
        {
            "connect" => Inv($"{s.Sockets:N0} idle authenticated sockets over {s.Users} users, held {s.DurationSeconds}s; sockets bound to {s.SourceAddresses} loopback source addresses."),
            "find-max" => Inv($"Rate stepped up from {s.Rate:N0} msgs/s until p99 exceeded the target or anything was lost; {s.Users} users, {s.Sockets} sockets."),
            _ => Inv($"{s.Rate:N0} msgs/s offered (open loop) for {s.DurationSeconds}s; {s.Users} users, {s.Sockets} sockets{(s.Rooms > 0 ? $", {s.Rooms} rooms of {s.RoomSize}" : "")}{(s.GroupShare is > 0 and < 1 ? $", {s.GroupShare:P0} of messages to rooms" : "")}; {s.MessageBytes}-byte content; protocol {r.Protocol}."),
        };
    }

    /// <summary>The summary rows of a scenario; counts (lost deliveries) get no ratio.</summary>
    private static IEnumerable<(string Measure, Func<RunResult?, double?> Value, bool Ratio)> Headline(string scenario) => scenario switch
    {
        "connect" => [("server RSS per socket (KiB)", r => r?.Connect?.ServerRssPerSocketKiB, true), ("handshakes/s", r => r?.Setup.ConnectsPerSecond, true)],
        "group" => [("deliveries/s", r => r?.Traffic?.DeliveriesPerSecond, true), ("p99 ms", r => r?.Traffic?.LatencyMs.P99, true)],
        "find-max" => [("max msgs/s with p99 under target, nothing lost", r => r?.FindMax?.MaxPassingRate, true)],
        _ => [("deliveries/s", r => r?.Traffic?.DeliveriesPerSecond, true), ("p99 ms", r => r?.Traffic?.LatencyMs.P99, true), ("lost deliveries", r => r?.Traffic?.LostDeliveries, false)],
    };

    /// <summary>find-max's result; when even the first step failed, "below" that rate.</summary>
    private static string MaxRate(RunResult? r) => r?.FindMax switch
    {
        null => "–",
        { MaxPassingRate: > 0 } f => Fmt(f.MaxPassingRate),
        { Steps.Count: > 0 } f => "< " + Fmt(f.Steps[0].OfferedRate),
        _ => "–",
    };

    private static IEnumerable<(string Name, Func<RunResult?, double?> Value)> Rows(string scenario)
    {
        if (scenario == "connect")
        {
            return
            [
                ("sockets open", r => r?.Connect?.Open),
                ("still open after hold", r => r?.Connect?.OpenAtEnd),
                ("handshakes/s", r => r?.Setup.ConnectsPerSecond),
                ("handshake p50 ms", r => r?.Setup.ConnectLatencyMs.P50),
                ("handshake p99 ms", r => r?.Setup.ConnectLatencyMs.P99),
                ("server RSS before (MiB)", r => r?.Connect?.ServerRssBeforeMiB),
                ("server RSS after (MiB)", r => r?.Connect?.ServerRssAfterMiB),
                ("server RSS per socket (KiB)", r => r?.Connect?.ServerRssPerSocketKiB),
                ("server CPU % (connect + hold)", r => r?.Server?.CpuPercent),
                ("generator RSS (MiB)", r => r?.Connect?.GeneratorRssMiB),
            ];
        }
        return
        [
            ("offered msgs/s", r => r?.Traffic?.OfferedRate),
            ("sent msgs/s", r => r?.Traffic?.MessagesPerSecond),
            ("deliveries/s", r => r?.Traffic?.DeliveriesPerSecond),
            ("sent", r => r?.Traffic?.Sent),
            ("acked", r => r?.Traffic?.Acked),
            ("delivered", r => r?.Traffic?.Delivered),
            ("lost deliveries", r => r?.Traffic?.LostDeliveries),
            ("duplicated", r => r?.Traffic?.Duplicates),
            ("latency p50 ms", r => r?.Traffic?.LatencyMs.P50),
            ("latency p90 ms", r => r?.Traffic?.LatencyMs.P90),
            ("latency p99 ms", r => r?.Traffic?.LatencyMs.P99),
            ("latency p99.9 ms", r => r?.Traffic?.LatencyMs.P999),
            ("latency max ms", r => r?.Traffic?.LatencyMs.Max),
            ("ack p50 ms", r => r?.Traffic?.AckLatencyMs?.P50),
            ("ack p99 ms", r => r?.Traffic?.AckLatencyMs?.P99),
            ("generator send lag p99 ms", r => r?.Traffic?.SendLagMs.P99),
            ("server CPU %", r => r?.Server?.CpuPercent),
            ("server RSS end (MiB)", r => r?.Server?.RssEndMiB),
            ("generator CPU %", r => r?.Generator?.CpuPercent),
            ("other processes CPU %", r => r?.Machine.OtherPercent),
            .. scenario == "storm"
                ? new (string, Func<RunResult?, double?>)[] { ("sockets dropped", r => r?.Storm?.Dropped), ("reconnected", r => r?.Storm?.Reconnected) }
                : [],
        ];
    }

    private static string Fmt(double? v) => v switch
    {
        null => "n/a",
        var x when Math.Abs(x.Value) >= 1000 => x.Value.ToString("N0", CultureInfo.InvariantCulture),
        var x when x.Value == Math.Floor(x.Value) => x.Value.ToString("0", CultureInfo.InvariantCulture),
        var x => x.Value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Ratio(double? a, double? b)
    {
        if (a is not { } x || b is not { } y || y == 0 || x == 0) return "–";
        var r = x / y;
        return r.ToString(r >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture) + "×";
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
