namespace AkkaChat.LoadTest.Reporting;

using System.Globalization;

/// <summary>
/// Says, from the measurements alone, what most likely limited a result: the offered rate, the server's CPU,
/// the shared machine, the generator keeping its schedule, the server refusing or dropping, or lost messages.
/// </summary>
public static class LimitAnalysis
{
    public static List<string> Explain(RunResult r)
    {
        var limits = new List<string>();
        var cores = r.Machine.Cores;
        var capacity = cores * 100.0;
        var server = r.Server?.CpuPercent ?? 0;
        var generator = r.Generator?.CpuPercent ?? 0;
        var t = r.Traffic;

        if (r.Connect is { } c)
        {
            if (r.Setup.ConnectFailures > 0) limits.Add($"{r.Setup.ConnectFailures} handshakes failed: {string.Join("; ", r.Setup.ConnectErrors)}");
            if (c.ClientOpenFilesLimit is { } lim && c.Requested + 256 >= lim * 0.9) limits.Add($"open-file limit {lim} of the load generator bounds the socket count");
            limits.Add(F($"handshakes: {r.Setup.ConnectsPerSecond:N0}/s at {r.Setup.ConnectLatencyMs.P99} ms p99 with {r.Settings.Sockets:N0} sockets requested; server {(r.Server is null ? "n/a" : F($"{server:F0}%"))} + generator {generator:F0}% CPU of {capacity:F0}% during connect+hold"));
        }

        if (r.Machine.OtherPercent > 25)
            limits.Add(F($"other processes used {r.Machine.OtherPercent:F0}% CPU (of {capacity:F0}%) during the measurement: the run was disturbed"));
        if (server + generator >= capacity * 0.85)
            limits.Add(F($"CPU-bound: server {server:F0}% + generator {generator:F0}% of the machine's {capacity:F0}%"));
        else if (server >= 90 && server < capacity * 0.6)
            limits.Add(F($"server at {server:F0}% CPU: about one core, a serial bottleneck is likely (one actor, the journal writer)"));

        if (t is null || r.Connect is not null) return limits;

        if (t.SendLagMs.P99 > Math.Max(5, t.LatencyMs.P50))
            limits.Add(F($"the generator ran late (send lag p99 {t.SendLagMs.P99} ms): latency includes client-side queueing"));
        if (t.NotSent > 0) limits.Add(F($"{t.NotSent:N0} messages not sent: sender sockets down or their client queues full"));
        foreach (var (code, n) in t.ErrorFrames) limits.Add(F($"server refused {n:N0} frames: {code}"));
        if (t.ClosedByServer > 0) limits.Add(F($"server closed {t.ClosedByServer:N0} sockets: {string.Join("; ", t.CloseReasons.Select(x => $"{x.Value}× {x.Key}"))}"));
        if (t.LostDeliveries > 0)
        {
            var expectedRate = t.ExpectedDeliveries / Math.Max(0.001, t.DurationSeconds);
            var why = r.Scenario == "storm"
                ? "messages for a dropped socket that its reconnect did not replay"
                : t.DeliveriesPerSecond < expectedRate * 0.9
                    ? F($"the server delivered {t.DeliveriesPerSecond:N0}/s of the {expectedRate:N0}/s offered and fell behind; the rest was still queued when the {t.DrainSeconds:F0}s drain ended")
                    : "not delivered within the drain period";
            limits.Add(F($"{t.LostDeliveries:N0} deliveries missing ({why})"));
        }
        if (t.Duplicates > 0) limits.Add(F($"{t.Duplicates:N0} duplicate deliveries"));
        if (t.Unacked is > 0) limits.Add(F($"{t.Unacked:N0} sent messages never acked ({t.Refused ?? 0:N0} refused with an error frame)"));
        if (t.AckedNotDelivered is > 0) limits.Add(F($"{t.AckedNotDelivered:N0} acked messages not delivered to every expected socket"));

        var keptUp = t.MessagesPerSecond >= t.OfferedRate * 0.97 && t.LostDeliveries == 0 && t.NotSent == 0 && t.DrainSeconds < 2;
        if (keptUp && server + generator < capacity * 0.85)
        {
            if (t.SendLagMs.P99 > 5 && t.SendLagMs.P99 >= t.LatencyMs.P50 / 2)
                limits.Add(F($"the generator was the limit: it ran up to {t.SendLagMs.P99} ms (p99) behind its schedule, comparable to the measured median latency {t.LatencyMs.P50} ms; receiving {t.DeliveriesPerSecond:N0} deliveries/s costs it {generator:F0}% CPU"));
            else if (t.LatencyMs.P50 > 100)
                limits.Add(F($"queueing: median latency {t.LatencyMs.P50} ms at the offered {t.OfferedRate:N0} msgs/s means the server ran at about its capacity; {(r.Server is null ? "its CPU was not measured (no --server-pid)" : F($"with server CPU at {server:F0}% it was waiting, not computing (serial work: journal round trips, one busy actor)"))}"));
            else if (t.LatencyMs.P99 > 50)
                limits.Add(F($"throughput kept up with the offered {t.OfferedRate:N0} msgs/s, but p99 {t.LatencyMs.P99} ms (max {t.LatencyMs.Max} ms) without saturated CPU: stalls (GC pauses, journal writes, a busy shared machine)"));
            else
                limits.Add(F($"not saturated: the offered {t.OfferedRate:N0} msgs/s were served (open loop) at p99 {t.LatencyMs.P99} ms, so the ceiling is higher than this rate; see find-max"));
        }
        else if (t.DrainSeconds >= 2 && t.LostDeliveries == 0)
            limits.Add(F($"backlog: deliveries needed {t.DrainSeconds:F1}s after the last send to settle; the server could not keep up with {t.OfferedRate:N0} msgs/s"));
        return limits;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
