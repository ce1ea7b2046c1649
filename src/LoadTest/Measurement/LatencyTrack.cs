namespace AkkaChat.LoadTest.Measurement;

using HdrHistogram;

/// <summary>Latencies in microseconds: recorded from any thread, read as intervals (live view) and as a total.</summary>
public sealed class LatencyTrack
{
    public const long HighestMicros = 600_000_000; // 10 minutes

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();
    private readonly HistogramBase _total = NewHistogram();
    private readonly Lock _gate = new();
    private HistogramBase _lastInterval = NewHistogram();

    public void Record(long micros) => _recorder.RecordValue(Math.Clamp(micros, 1, HighestMicros));

    /// <summary>Moves what was recorded since the last tick into the total; returns that interval.</summary>
    public HistogramBase Tick()
    {
        lock (_gate)
        {
            var interval = _recorder.GetIntervalHistogram();
            _total.Add(interval);
            _lastInterval = interval;
            return interval;
        }
    }

    public HistogramBase LastInterval
    {
        get
        {
            lock (_gate) return _lastInterval;
        }
    }

    public LatencySummary Summary() => LatencySummary.Of(TotalCopy());

    /// <summary>Everything recorded so far (ticks first).</summary>
    public HistogramBase TotalCopy()
    {
        lock (_gate)
        {
            Tick();
            return _total.Copy();
        }
    }

    public static HistogramBase NewHistogram() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros).WithPrecisionOf(3).Create();
}

/// <summary>Percentiles in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    public static LatencySummary Of(HistogramBase h) => h.TotalCount == 0
        ? Empty
        : new LatencySummary(
            h.TotalCount,
            Ms(h.GetValueAtPercentile(50)),
            Ms(h.GetValueAtPercentile(90)),
            Ms(h.GetValueAtPercentile(99)),
            Ms(h.GetValueAtPercentile(99.9)),
            Ms(h.GetMaxValue()),
            Math.Round(h.GetMean() / 1000.0, 3));

    public static LatencySummary Merge(params LatencyTrack[] tracks)
    {
        var all = LatencyTrack.NewHistogram();
        foreach (var t in tracks) all.Add(t.TotalCopy());
        return Of(all);
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
