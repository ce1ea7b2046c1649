namespace AkkaChat.Edge.Admin;

using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Sharding;
using AkkaChat.Core.Users;

/// <summary>
/// Where things are in the cluster: its members, and per node the shards and entities of each type (sharding's own
/// statistics query, answered by every region through Akka's sharding serializer) and the open sockets (<see
/// cref="NodeSocketsActor"/>). An entity is found by its shard: the extractor names the shard, the statistics the
/// node that holds it.
/// </summary>
public sealed class ClusterPlacement(ActorSystem system, IActorRegistry registry)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    private readonly Cluster _cluster = Cluster.Get(system);

    public async Task<ClusterView> ViewAsync(CancellationToken cancel)
    {
        var state = _cluster.State;
        var stats = await Task.WhenAll(ShardTypeNames.Select(type => StatsAsync(type, cancel)));
        var members = state.Members.Select(m => new MemberView(
            m.Address.ToString(),
            m.Status.ToString(),
            m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(),
            state.Unreachable.Contains(m))).ToList();
        var addresses = AnsweringNodes();
        var sockets = await Task.WhenAll(addresses.Select(a => SocketCountAsync(a, cancel)));
        var nodes = addresses.Select((address, i) => new NodeView(
            address.ToString(),
            ShardTypeNames.Select((type, t) => (type, region: stats[t].TryGetValue(address, out var r) ? r : null))
                .ToDictionary(x => x.type, x => x.region is null
                    ? new ShardTypeView(0, 0)
                    : new ShardTypeView(x.region.Stats.Count, x.region.Stats.Values.Sum())),
            sockets[i])).ToList();
        return new ClusterView(_cluster.SelfAddress.ToString(), state.Leader?.ToString(), members, nodes);
    }

    /// <summary>The node whose region holds <paramref name="entityId"/>'s shard of <paramref name="type"/>; null node when the shard is not allocated (the entity has not run since the shard last moved).</summary>
    public async Task<EntityLocation> LocateAsync(string type, string entityId, CancellationToken cancel)
    {
        var shard = ExtractorFor(type).ShardId(entityId);
        var stats = await StatsAsync(type, cancel);
        var holder = stats.FirstOrDefault(r => r.Value.Stats.ContainsKey(shard));
        return new EntityLocation(type, entityId, shard, holder.Key?.ToString());
    }

    public static IReadOnlyList<string> ShardTypeNames { get; } = [ShardTypes.User, ShardTypes.Room, ShardTypes.Account, ShardTypes.IdBlock];

    /// <summary>Per entity type, per node: its shards and live entities (<c>sharding regions</c>).</summary>
    public async Task<IReadOnlyList<RegionView>> RegionsAsync(CancellationToken cancel)
    {
        var stats = await Task.WhenAll(ShardTypeNames.Select(type => StatsAsync(type, cancel)));
        return [.. ShardTypeNames.Select((type, t) => new RegionView(type, [.. stats[t]
            .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
            .Select(r => new RegionNodeView(r.Key.ToString(), r.Value.Stats.Count, r.Value.Stats.Values.Sum()))]))];
    }

    /// <summary>Entities per shard and node for one entity type (<c>sharding region-stats</c>); null for an unknown type.</summary>
    public async Task<RegionStatsView?> RegionStatsAsync(string type, CancellationToken cancel)
    {
        if (!ShardTypeNames.Contains(type)) return null;
        var stats = await StatsAsync(type, cancel);
        return new RegionStatsView(type, [.. stats
            .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
            .Select(r => new RegionShardsView(r.Key.ToString(), [.. r.Value.Stats
                .OrderBy(s => s.Key.Length).ThenBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new ShardView(s.Key, s.Value))]))]);
    }

    /// <summary>Members that should answer a query: up (or joining, leaving) and reachable.</summary>
    public IReadOnlyList<Address> AnsweringNodes()
    {
        var state = _cluster.State;
        return [.. state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Joining or MemberStatus.WeaklyUp)
            .Where(m => !state.Unreachable.Contains(m))
            .Select(m => m.Address)];
    }

    private static HashCodeMessageExtractor ExtractorFor(string type) => type switch
    {
        ShardTypes.User => new UserMessageExtractor(),
        ShardTypes.Room => new RoomMessageExtractor(),
        ShardTypes.Account => new AccountMessageExtractor(),
        ShardTypes.IdBlock => new IdBlockMessageExtractor(),
        _ => throw new ArgumentException($"unknown entity type '{type}'"),
    };

    private IActorRef RegionFor(string type) => type switch
    {
        ShardTypes.User => registry.Get<UserEntity>(),
        ShardTypes.Room => registry.Get<RoomEntity>(),
        ShardTypes.Account => registry.Get<AccountEntity>(),
        ShardTypes.IdBlock => registry.Get<IdBlockEntity>(),
        _ => throw new ArgumentException($"unknown entity type '{type}'"),
    };

    private async Task<IReadOnlyDictionary<Address, ShardRegionStats>> StatsAsync(string type, CancellationToken cancel)
    {
        var reply = await RegionFor(type).Ask<ClusterShardingStats>(new GetClusterShardingStats(QueryTimeout), QueryTimeout + TimeSpan.FromSeconds(1), cancel);
        return reply.Regions.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    /// <summary>A node's open sockets, or -1 when it did not answer in time.</summary>
    private async Task<int> SocketCountAsync(Address address, CancellationToken cancel)
    {
        try
        {
            var target = system.ActorSelection(new RootActorPath(address) / "user" / NodeSocketsActor.Name);
            return await target.Ask<int>(NodeSocketsActor.Query, QueryTimeout, cancel);
        }
        catch (AskTimeoutException)
        {
            return -1;
        }
    }
}

public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<MemberView> Members, IReadOnlyList<NodeView> Nodes);

public sealed record MemberView(string Address, string Status, IReadOnlyList<string> Roles, bool Unreachable);

/// <summary>One reachable node: shards and live entities per entity type, and its open sockets (-1: no answer).</summary>
public sealed record NodeView(string Address, IReadOnlyDictionary<string, ShardTypeView> Entities, int Sockets);

public sealed record ShardTypeView(int Shards, int Entities);

public sealed record EntityLocation(string Type, string Id, string Shard, string? Node);

public sealed record RegionView(string Type, IReadOnlyList<RegionNodeView> Nodes);

public sealed record RegionNodeView(string Node, int Shards, int Entities);

public sealed record RegionStatsView(string Type, IReadOnlyList<RegionShardsView> Nodes);

public sealed record RegionShardsView(string Node, IReadOnlyList<ShardView> Shards);

public sealed record ShardView(string Shard, int Entities);
