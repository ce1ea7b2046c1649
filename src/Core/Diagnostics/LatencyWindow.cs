namespace AkkaChat.Core.Diagnostics;

/// <summary>
/// The last <c>capacity</c> samples in a fixed ring, written without a lock (a racing writer may overwrite a slot another
/// just wrote: a lost sample, never a torn one), and percentiles of them on demand. Bounded memory whatever the traffic.
/// </summary>
public sealed class LatencyWindow
{
    private readonly double[] _samples;
    private readonly int _mask;
    private long _count;

    /// <param name="capacity">A power of two.</param>
    public LatencyWindow(int capacity)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0) throw new ArgumentException("capacity must be a power of two", nameof(capacity));
        _samples = new double[capacity];
        _mask = capacity - 1;
    }

    /// <summary>Samples added so far (all of them, not only those still in the window).</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Add(double value)
    {
        var slot = Interlocked.Increment(ref _count) - 1;
        _samples[slot & _mask] = value;
    }

    /// <summary>The given percentiles (0–100, nearest rank) of the samples in the window; null when there are none yet.</summary>
    public double[]? Percentiles(params double[] percentiles)
    {
        var n = (int)Math.Min(Count, _samples.Length);
        if (n == 0) return null;
        var sorted = _samples.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        return [.. percentiles.Select(p => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * n) - 1, 0, n - 1)])];
    }
}
