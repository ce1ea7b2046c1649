namespace AkkaChat.Core.Diagnostics;

using System.Diagnostics;
using System.Diagnostics.Metrics;

/// <summary>
/// The process's <c>AkkaChat</c> meter and what the entities and the journal record on it: messages stored, the time from
/// persist to its handler (journal commit latency as an entity sees it) and group-commit sizes. Here, in Core, because the
/// entities record; the edge adds its own instruments to the same meter. Recording is a counter add or a histogram record
/// with at most one tag, plus an interlocked total that the node's own stats read without a listener.
/// </summary>
public static class ChatMeter
{
    public const string Name = "AkkaChat";

    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>A 1:1 message (tag <c>kind=direct</c>).</summary>
    public static readonly KeyValuePair<string, object?> Direct = new("kind", "direct");

    /// <summary>A room message (tag <c>kind=room</c>).</summary>
    public static readonly KeyValuePair<string, object?> Room = new("kind", "room");

    private static readonly Counter<long> Stored = Meter.CreateCounter<long>(
        "akkachat.messages.stored", "{message}", "Chat messages persisted by their entity (a 1:1 message once, in the recipient's inbox)");

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "akkachat.journal.commit.duration", "s", "Time from an entity's persist to its handler: the journal commit as the entity waits for it",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] });

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "akkachat.journal.batch.size", "{row}", "Rows per group commit of the native journal",
        tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    private static readonly Counter<long> WalRestarts = Meter.CreateCounter<long>(
        "akkachat.journal.wal.restarts", "{restart}", "Times the SQLite journal's WAL started over from its beginning");

    private static readonly ObservableGauge<long> WalSize = Meter.CreateObservableGauge(
        "akkachat.journal.wal.size", ObserveWal, "By", "Bytes of frames in the SQLite journal's WAL at its last checkpoint");

    private static long _storedTotal;
    private static long _walBytes = -1; // none measured: not on SQLite

    /// <summary>The last journal commits' latencies, for the node's p50/p99.</summary>
    public static LatencyWindow Commits { get; } = new(1024);

    public static long StoredTotal => Interlocked.Read(ref _storedTotal);

    public static void MessageStored(KeyValuePair<string, object?> kind)
    {
        Stored.Add(1, kind);
        Interlocked.Increment(ref _storedTotal);
    }

    /// <summary>A persist handler ran; <paramref name="persistStarted"/> is the <see cref="Stopwatch.GetTimestamp"/> taken at the persist.</summary>
    public static void CommitObserved(long persistStarted)
    {
        var seconds = Stopwatch.GetElapsedTime(persistStarted).TotalSeconds;
        CommitDuration.Record(seconds);
        Commits.Add(seconds);
    }

    public static void BatchCommitted(int rows) => BatchSize.Record(rows);

    /// <summary>
    /// A checkpoint of the SQLite journal found <paramref name="bytes"/> in the WAL; <paramref name="restarted"/> when the
    /// WAL had started over since the previous one.
    /// </summary>
    public static void WalObserved(long bytes, bool restarted)
    {
        Interlocked.Exchange(ref _walBytes, bytes);
        if (restarted) WalRestarts.Add(1);
    }

    private static IEnumerable<Measurement<long>> ObserveWal()
    {
        var bytes = Interlocked.Read(ref _walBytes);
        return bytes < 0 ? [] : [new Measurement<long>(bytes)];
    }
}
