namespace AkkaChat.LoadTest.Reporting;

using System.Globalization;

/// <summary>The end-of-run summary on stdout.</summary>
public static class Summary
{
    public static void Print(RunResult r)
    {
        var lines = new List<string> { $"== {r.Scenario} on {r.Label} ({r.Protocol}), {r.WallSeconds:F0}s wall ==" };
        void Add(FormattableString s) => lines.Add("  " + s.ToString(CultureInfo.InvariantCulture));
        Add($"setup: {r.Setup.UsersRegistered} users registered in {r.Setup.RegisterSeconds}s, links {r.Setup.LinkSeconds}s; {r.Setup.SocketsOpened:N0} sockets opened in {r.Setup.ConnectSeconds}s ({r.Setup.ConnectsPerSecond:N0}/s, handshake p50 {r.Setup.ConnectLatencyMs.P50} / p99 {r.Setup.ConnectLatencyMs.P99} ms), {r.Setup.ConnectFailures} failed");
        if (r.Connect is { } c)
            Add($"connect: {c.Open:N0} open, {c.OpenAtEnd:N0} still open after {c.HoldSeconds}s; server RSS {NotMeasured(c.ServerRssBeforeMiB, " MiB")} → {NotMeasured(c.ServerRssAfterMiB, " MiB")} = {NotMeasured(c.ServerRssPerSocketKiB, " KiB")} per socket{(c.ServerRssPerSocketKiB is null ? " (no --server-pid)" : "")}; generator RSS {c.GeneratorRssMiB} MiB");
        if (r.Traffic is { } t && r.Connect is null)
        {
            Add($"offered {t.OfferedRate:N0} msgs/s for {t.DurationSeconds}s: scheduled {t.Scheduled:N0}, sent {t.Sent:N0}, not sent {t.NotSent:N0}, send failed {t.SendFailed:N0}, acked {(t.Acked is { } a ? a.ToString("N0", CultureInfo.InvariantCulture) : "n/a (seed000)")}");
            Add($"delivered {t.Delivered:N0} of {t.ExpectedDeliveries:N0} expected; lost {t.LostDeliveries:N0} ({t.LostMessages:N0} msgs), duplicated {t.Duplicates:N0}, unexpected {t.Unexpected:N0}, echoed {t.Echoes:N0}, misattributed {t.Misattributed:N0}; drain {t.DrainSeconds}s");
            Add($"throughput: {t.MessagesPerSecond:N0} msgs/s, {t.DeliveriesPerSecond:N0} deliveries/s");
            Add($"latency ms: p50 {t.LatencyMs.P50}  p90 {t.LatencyMs.P90}  p99 {t.LatencyMs.P99}  p99.9 {t.LatencyMs.P999}  max {t.LatencyMs.Max}  (n={t.LatencyMs.Count:N0}); send lag p99 {t.SendLagMs.P99} ms");
            if (t.AckLatencyMs is { } ack)
                Add($"acks: {t.Acked:N0} of {t.Sent:N0} sent acked, {t.Unacked:N0} never acked ({t.Refused:N0} refused), {t.AckedNotDelivered:N0} acked but not fully delivered, {t.DuplicateAcks:N0} duplicate acks; {(t.OwnCopies is { } own ? FormattableString.Invariant($"own copies back to the sender {own:N0} ({t.DuplicateOwnCopies:N0} twice); ") : "")}ack latency ms: p50 {ack.P50}  p90 {ack.P90}  p99 {ack.P99}  p99.9 {ack.P999}  max {ack.Max}  (n={ack.Count:N0})");
            if (t.DirectLatencyMs is { } d) Add($"  1:1  p50 {d.P50}  p99 {d.P99}  max {d.Max}");
            if (t.GroupLatencyMs is { } g) Add($"  room p50 {g.P50}  p99 {g.P99}  max {g.Max}");
            if (t.ErrorFrames.Count > 0) Add($"error frames: {string.Join(", ", t.ErrorFrames.Select(e => $"{e.Key}×{e.Value}"))}");
            if (t.ClosedByServer > 0) Add($"closed by server: {t.ClosedByServer} ({string.Join("; ", t.CloseReasons.Select(e => $"{e.Value}× {e.Key}"))})");
        }
        if (r.Storm is { } s)
            Add($"storm: {s.Rounds} rounds, {s.Dropped} drops, {s.Reconnected} reconnects ({s.ReconnectFailures} failed), reconnect p99 {s.ReconnectLatencyMs.P99} ms");
        if (r.FindMax is { } f)
        {
            foreach (var step in f.Steps)
                Add($"step {step.OfferedRate,8:N0}/s: {step.MessagesPerSecond,8:N0} msgs/s, p99 {step.LatencyMs.P99,8} ms, lost {step.LostDeliveries}, server CPU {NotMeasured(step.ServerCpuPercent, "%", "F0")}: {step.Verdict}");
            Add($"find-max: {f.MaxPassingRate:N0} msgs/s passed (p99 ≤ {f.TargetP99Ms} ms, nothing lost); stopped: {f.StopReason}");
        }
        if (r.Server is { } sv) Add($"server pid {(sv.Pids is { Count: > 1 } pids ? string.Join("+", pids) : sv.Pid)}: {sv.CpuPercent}% CPU, RSS {sv.RssStartMiB} → {sv.RssEndMiB} MiB (peak {sv.RssPeakMiB}), {sv.Threads} threads");
        if (r.Generator is { } gen) Add($"generator: {gen.CpuPercent}% CPU, RSS {gen.RssEndMiB} MiB");
        Add($"machine: {r.Machine.Cores} cores, {r.Machine.BusyPercent}% busy (other processes {NotMeasured(r.Machine.OtherPercent, "%")}, steal {r.Machine.StealPercent}%), load {r.Machine.LoadAverageStart} → {r.Machine.LoadAverageEnd}");
        Add($"verify: {(r.Verify.Requested ? (r.Verify.Passed ? "PASSED" : "FAILED") : "not requested")}{(r.Verify.Problems.Count > 0 ? " — " + string.Join("; ", r.Verify.Problems) : "")}");
        foreach (var limit in r.Limits) Add($"limit: {limit}");
        foreach (var line in lines) Console.WriteLine(line);
    }

    /// <summary>A value that was not measured reads "n/a", never a measured-looking 0.</summary>
    public static string NotMeasured(double? value, string unit = "", string format = "0.##") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + unit : "n/a";
}
