namespace AkkaChat.Core.Tests.Diagnostics;

using AkkaChat.Core.Diagnostics;

/// <summary>The commit-latency window behind <c>/admin/node</c>'s p50/p99: bounded, nearest-rank, null when empty.</summary>
public sealed class LatencyWindowSpec
{
    [Fact]
    public void Empty_has_no_percentiles() => Assert.Null(new LatencyWindow(8).Percentiles(50, 99));

    [Fact]
    public void Percentiles_are_nearest_rank_over_the_samples()
    {
        var window = new LatencyWindow(128);
        for (var i = 100; i >= 1; i--) window.Add(i);
        Assert.Equal([50.0, 99.0, 100.0, 1.0], window.Percentiles(50, 99, 100, 0)!);
        Assert.Equal(100, window.Count);
    }

    [Fact]
    public void Only_the_last_capacity_samples_count()
    {
        var window = new LatencyWindow(4);
        foreach (var v in new[] { 1000.0, 1000, 1000, 1000, 1, 2, 3, 4 }) window.Add(v);
        Assert.Equal([2.0, 4.0], window.Percentiles(50, 100)!);
        Assert.Equal(8, window.Count);
    }

    [Fact]
    public void Capacity_must_be_a_power_of_two() => Assert.Throws<ArgumentException>(() => new LatencyWindow(100));
}
