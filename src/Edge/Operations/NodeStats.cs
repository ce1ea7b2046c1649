namespace AkkaChat.Edge.Operations;

using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Transport;

/// <summary>
/// This node's numbers for <c>/admin/node</c> and the gauges that need the node: once a second it samples the message totals
/// (rates over the last ~10 s come from the oldest sample), and every 10 s it asks the local shard regions for their entity
/// counts, so a scrape reads a cached number and never waits on an actor. Cluster members by status are read from the
/// cluster's own state, which is already local.
/// </summary>
public sealed class NodeStats : IHostedService, IDisposable
{
    private const int Window = 11; // samples a second apart: the oldest is ~10 s old
    private static readonly TimeSpan RegionQueryTimeout = TimeSpan.FromSeconds(3);
    private static readonly MemberStatus[] Statuses = Enum.GetValues<MemberStatus>();

    private readonly ActorSystem _system;
    private readonly IActorRegistry _registry;
    private readonly SocketDirectory _sockets;
    private readonly Meter _meter;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly Sample[] _samples = new Sample[Window]; // under _gate, a ring
    private int _sampleCount; // under _gate
    private int _ticks;
    private Timer? _timer;
    private ImmutableDictionary<string, int> _entities = ImmutableDictionary<string, int>.Empty;

    public NodeStats(ActorSystem system, IActorRegistry registry, SocketDirectory sockets, IMeterFactory meters)
    {
        _system = system;
        _registry = registry;
        _sockets = sockets;
        // A meter of this host (disposed with it) for the gauges that read this node's actor system.
        _meter = meters.Create(ChatMeter.Name);
        _meter.CreateObservableGauge("akkachat.entities", ObserveEntities, "{entity}", "Live entities in this node's shard regions, by type (refreshed every 10 s)");
        _meter.CreateObservableGauge("akkachat.cluster.members", ObserveMembers, "{node}", "Cluster members by status, as this node sees them");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = ChatMetrics.Seed000Open; // the process-wide instruments exist from the start, before any traffic
        _ = ChatMeter.StoredTotal;
        TakeSample();
        _timer = new Timer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _meter.Dispose();
    }

    /// <summary>The <c>/admin/node</c> view: totals, rates (null until a second has passed), commit percentiles (null until one was measured).</summary>
    public NodeStatsView Snapshot()
    {
        var now = Current();
        Sample? oldest;
        lock (_gate) oldest = _sampleCount == 0 ? null : _samples[(_sampleCount - Math.Min(_sampleCount, Window)) % Window];
        var seconds = oldest is { } o ? Stopwatch.GetElapsedTime(o.At, now.At).TotalSeconds : 0;
        double? Rate(Func<Sample, long> total) => seconds >= 1 ? Math.Round((total(now) - total(oldest!.Value)) / seconds, 2) : null;
        double? GcPausePercent() => seconds >= 1 ? Math.Round(100 * (now.GcPause - oldest!.Value.GcPause).TotalSeconds / seconds, 3) : null;
        var percentiles = ChatMeter.Commits.Percentiles(50, 99);
        var gc = GC.GetGCMemoryInfo();
        return new NodeStatsView(
            Cluster.Get(_system).SelfAddress.ToString(),
            Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 1),
            new SocketCounts(ChatMetrics.Seed000Open, ChatMetrics.V2Open),
            new MessageCounts(now.Received, now.Delivered, now.Stored, Rate(s => s.Received), Rate(s => s.Delivered), Rate(s => s.Stored)),
            new JournalStats(ChatMeter.Commits.Count, percentiles is null ? null : Math.Round(percentiles[0] * 1000, 3), percentiles is null ? null : Math.Round(percentiles[1] * 1000, 3)),
            new QueueDepths(_sockets.QueuedFrames()),
            new RuntimeStats(
                GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GcPausePercent(),
                gc.HeapSizeBytes, Environment.WorkingSet, Math.Round(Environment.CpuUsage.TotalTime.TotalSeconds, 2), ThreadPool.PendingWorkItemCount));
    }

    private void Tick()
    {
        TakeSample();
        if (_ticks++ % 10 == 0) _ = RefreshEntitiesAsync();
    }

    private void TakeSample()
    {
        var sample = Current();
        lock (_gate)
        {
            _samples[_sampleCount % Window] = sample;
            _sampleCount++;
        }
    }

    private static Sample Current() => new(Stopwatch.GetTimestamp(), ChatMetrics.ReceivedTotal, ChatMetrics.DeliveredTotal, ChatMeter.StoredTotal, GC.GetTotalPauseDuration());

    private async Task RefreshEntitiesAsync()
    {
        var counts = ImmutableDictionary.CreateBuilder<string, int>();
        foreach (var (type, region) in Regions())
        {
            try
            {
                var stats = await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, RegionQueryTimeout);
                counts[type] = stats.Stats.Values.Sum();
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // Keep the last count of a region that did not answer in time.
                if (_entities.TryGetValue(type, out var last)) counts[type] = last;
            }
        }
        _entities = counts.ToImmutable();
    }

    private IEnumerable<(string Type, IActorRef Region)> Regions()
    {
        if (_registry.TryGet<UserEntity>(out var users)) yield return (ShardTypes.User, users);
        if (_registry.TryGet<RoomEntity>(out var rooms)) yield return (ShardTypes.Room, rooms);
        if (_registry.TryGet<AccountEntity>(out var accounts)) yield return (ShardTypes.Account, accounts);
        if (_registry.TryGet<IdBlockEntity>(out var blocks)) yield return (ShardTypes.IdBlock, blocks);
    }

    private IEnumerable<Measurement<int>> ObserveEntities() =>
        _entities.Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("type", kv.Key)));

    private IEnumerable<Measurement<int>> ObserveMembers()
    {
        var members = Cluster.Get(_system).State.Members;
        return Statuses.Select(status => new Measurement<int>(
            members.Count(m => m.Status == status),
            new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant())));
    }

    private readonly record struct Sample(long At, long Received, long Delivered, long Stored, TimeSpan GcPause);
}

/// <summary>The JSON of <c>GET /admin/node</c> (docs/OPERATIONS.md, "Metrics"); null where nothing was measured yet.</summary>
public sealed record NodeStatsView(string Node, double UptimeSeconds, SocketCounts Sockets, MessageCounts Messages, JournalStats Journal, QueueDepths Queues, RuntimeStats Runtime);

public sealed record SocketCounts(long Seed000, long V2);

public sealed record MessageCounts(long ReceivedTotal, long DeliveredTotal, long StoredTotal, double? ReceivedPerSecond, double? DeliveredPerSecond, double? StoredPerSecond);

public sealed record JournalStats(long Commits, double? CommitP50Ms, double? CommitP99Ms);

public sealed record QueueDepths(long OutboundFrames);

public sealed record RuntimeStats(int Gen0, int Gen1, int Gen2, double? GcPausePercent, long HeapBytes, long WorkingSetBytes, double CpuSeconds, long ThreadPoolQueue);
