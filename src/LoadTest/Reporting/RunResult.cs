namespace AkkaChat.LoadTest.Reporting;

using System.Text.Json;
using System.Text.Json.Serialization;
using AkkaChat.LoadTest.Measurement;

/// <summary>The JSON result file of one run (<c>--out</c>); <c>report</c> reads these back.</summary>
public sealed record RunResult
{
    public required string Scenario { get; init; }
    public required string Label { get; init; }
    public required string Protocol { get; init; }
    public required string Url { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required string CommandLine { get; init; }
    public double WallSeconds { get; set; }
    public required RunSettings Settings { get; init; }
    public SetupResult Setup { get; set; } = new();
    public TrafficResult? Traffic { get; set; }
    public ConnectResult? Connect { get; set; }
    public StormResult? Storm { get; set; }
    public FindMaxResult? FindMax { get; set; }
    public ResourceResult? Server { get; set; }
    public ResourceResult? Generator { get; set; }
    public MachineResult Machine { get; set; } = new();
    public VerifyResult Verify { get; set; } = new();
    public List<string> Limits { get; set; } = [];

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

public sealed record RunSettings(double Rate, double DurationSeconds, int Users, int Sockets, int RoomSize, int Rooms, double GroupShare, int MessageBytes, bool Verify, int SourceAddresses);

public sealed record SetupResult
{
    public int UsersRegistered { get; set; }
    public double RegisterSeconds { get; set; }
    public double LinkSeconds { get; set; }
    public int SocketsOpened { get; set; }
    public int ConnectFailures { get; set; }
    public double ConnectSeconds { get; set; }
    public double ConnectsPerSecond { get; set; }
    public LatencySummary ConnectLatencyMs { get; set; } = LatencySummary.Empty;
    public List<string> ConnectErrors { get; set; } = [];
}

public sealed record TrafficResult
{
    public double OfferedRate { get; set; }
    public double DurationSeconds { get; set; }
    public long Scheduled { get; set; }
    public long Sent { get; set; }
    public long SendFailed { get; set; }
    public long NotSent { get; set; }
    /// <summary>Null for protocols without acks (seed-000).</summary>
    public long? Acked { get; set; }
    /// <summary>Sent but never acked (v2; null for seed-000).</summary>
    public long? Unacked { get; set; }
    /// <summary>Acked but missing at one or more expected sockets after the drain (v2).</summary>
    public long? AckedNotDelivered { get; set; }
    /// <summary>Answered with an error frame carrying the message's client id (v2).</summary>
    public long? Refused { get; set; }
    public long? DuplicateAcks { get; set; }
    /// <summary>The sending socket's own copies of its messages (v2 pushes them: they are in its streams; not counted as deliveries).</summary>
    public long? OwnCopies { get; set; }
    public long? DuplicateOwnCopies { get; set; }
    /// <summary>Scheduled send → ack (v2; null for seed-000).</summary>
    public LatencySummary? AckLatencyMs { get; set; }
    public long ExpectedDeliveries { get; set; }
    public long Delivered { get; set; }
    public long LostDeliveries { get; set; }
    public long LostMessages { get; set; }
    public long Duplicates { get; set; }
    public long Unexpected { get; set; }
    public long Echoes { get; set; }
    public long Misattributed { get; set; }
    public long Stale { get; set; }
    public long StaleRoom { get; set; }
    public long Foreign { get; set; }
    public Dictionary<string, long> ErrorFrames { get; set; } = [];
    public long ClosedByServer { get; set; }
    public Dictionary<string, long> CloseReasons { get; set; } = [];
    public double MessagesPerSecond { get; set; }
    public double DeliveriesPerSecond { get; set; }
    public LatencySummary LatencyMs { get; set; } = LatencySummary.Empty;
    public LatencySummary? DirectLatencyMs { get; set; }
    public LatencySummary? GroupLatencyMs { get; set; }
    public LatencySummary SendLagMs { get; set; } = LatencySummary.Empty;
    public double DrainSeconds { get; set; }
}

public sealed record ConnectResult
{
    public int Requested { get; set; }
    public int Open { get; set; }
    public int OpenAtEnd { get; set; }
    public double HoldSeconds { get; set; }
    /// <summary>Null when the server was not sampled (no <c>--server-pid</c>): not measured, not zero.</summary>
    public double? ServerRssBeforeMiB { get; set; }
    public double? ServerRssAfterMiB { get; set; }
    public double? ServerRssPerSocketKiB { get; set; }
    public double GeneratorRssMiB { get; set; }
    public long? ClientOpenFilesLimit { get; set; }
    public long? ServerOpenFilesLimit { get; set; }
}

public sealed record StormResult
{
    public int Rounds { get; set; }
    public int Dropped { get; set; }
    public int Reconnected { get; set; }
    public int ReconnectFailures { get; set; }
    public LatencySummary ReconnectLatencyMs { get; set; } = LatencySummary.Empty;
}

public sealed record FindMaxStep(double OfferedRate, double MessagesPerSecond, double DeliveriesPerSecond, LatencySummary LatencyMs, long LostDeliveries, long Duplicates, long NotSent, double SendLagP99Ms, double? ServerCpuPercent, bool Passed, string Verdict, bool Refinement);

public sealed record FindMaxResult
{
    public string Mode { get; set; } = "direct";
    public double TargetP99Ms { get; set; }
    public List<FindMaxStep> Steps { get; set; } = [];
    public double MaxPassingRate { get; set; }
    public string StopReason { get; set; } = "";
}

public sealed record ResourceResult
{
    public int Pid { get; set; }
    /// <summary>Every process summed into these figures when there were several (the nodes of a cluster); else null.</summary>
    public List<int>? Pids { get; set; }
    public double CpuPercent { get; set; }
    public double RssStartMiB { get; set; }
    public double RssEndMiB { get; set; }
    public double RssPeakMiB { get; set; }
    public int Threads { get; set; }
}

public sealed record MachineResult
{
    public int Cores { get; set; } = Environment.ProcessorCount;
    public double BusyPercent { get; set; }
    public double StealPercent { get; set; }
    /// <summary>CPU used by processes other than the server and the generator during the measurement; null when the server was not sampled.</summary>
    public double? OtherPercent { get; set; }
    public string LoadAverageStart { get; set; } = "";
    public string LoadAverageEnd { get; set; } = "";
}

public sealed record VerifyResult
{
    public bool Requested { get; set; }
    public bool Passed { get; set; } = true;
    public List<string> Problems { get; set; } = [];
}
