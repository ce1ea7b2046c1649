namespace AkkaChat.LoadTest.Measurement;

/// <summary>Counters and latencies of one measured phase (a scenario's traffic, or one find-max step).</summary>
public sealed class PhaseStats(int index, double offeredRate)
{
    public int Index => index;
    public double OfferedRate => offeredRate;

    public long Scheduled;
    public long Sent;
    public long SendFailed;
    /// <summary>Not sent: the socket was down or its client-side queue was full (the generator fell behind).</summary>
    public long NotSent;
    /// <summary>Not even scheduled: every candidate sender socket was down (storm).</summary>
    public long NoSender;
    public long Acked;
    /// <summary>Acks for a message that was already acked (v2).</summary>
    public long DuplicateAcks;
    /// <summary>Messages the server answered with an error frame naming their client id (v2).</summary>
    public long Refused;
    /// <summary>The sending socket's own copy of its message (v2 pushes it back: it is in the socket's stream); not a delivery.</summary>
    public long OwnCopies;
    public long DuplicateOwnCopies;
    public long ExpectedDeliveries;
    public long Delivered;
    public long Duplicates;
    public long Unexpected;
    public long Echoes;
    public long Misattributed;

    public LatencyTrack Direct { get; } = new();
    public LatencyTrack Group { get; } = new();
    /// <summary>How late each send started compared to its open-loop schedule: the generator's own health.</summary>
    public LatencyTrack SendLag { get; } = new();
    /// <summary>Scheduled send → ack (protocols with acks).</summary>
    public LatencyTrack AckLatency { get; } = new();

    public long StartTicks;
    public long EndTicks;
    public long FirstSeq;
    public long EndSeq;
}
