namespace AkkaChat.Core;

using Akka.Actor;

/// <summary>
/// Where entities find each other: the shard regions and the node-local id leasers.
/// The host builds it from Cluster.Sharding; actor tests build it from probes or a local router.
/// </summary>
public interface IChatTopology
{
    IActorRef Users { get; }
    IActorRef Rooms { get; }
    IActorRef Accounts { get; }

    /// <summary>Node-local <see cref="Ids.IdLeaser"/> of user ids.</summary>
    IActorRef UserIds { get; }

    /// <summary>Node-local <see cref="Ids.IdLeaser"/> of room ids.</summary>
    IActorRef RoomIds { get; }

    /// <summary>
    /// The room fan-out actor of every node that may host sockets: a room entity that just started calls the roll of these
    /// (afterwards it publishes only to the nodes that subscribed), and a user's first socket announces presence to them.
    /// </summary>
    IReadOnlyList<NodeFanout> NodeFanouts { get; }
}

/// <summary>The room fan-out actor of the cluster member at <paramref name="Node"/> (which names itself by that address's text).</summary>
public readonly record struct NodeFanout(Address Node, ICanTell Fanout);

/// <summary>Tunables that entities read; loaded from <c>hocon/akkachat.conf</c>.</summary>
/// <param name="SpreadSnapshots">Each entity snapshots at its own phase within the interval (<see cref="SnapshotSchedule"/>);
/// off, every entity snapshots at multiples of <paramref name="SnapshotEvery"/>.</param>
/// <param name="DirectAppends">Entities hand their events to the journal as a <see cref="JournalAppend"/> instead of through
/// Akka.Persistence's <c>Persist</c>: only AkkaChat's own journals understand it (<see cref="ChatEntity{TState}"/>).</param>
public sealed record ChatSettings(int MaxOwnedRooms, TimeSpan EntityIdleTimeout, int SnapshotEvery, int IdBlockSize, bool SpreadSnapshots = true, bool DirectAppends = false)
{
    public static readonly ChatSettings Default = new(5, TimeSpan.FromMinutes(2), 500, 100);
}

/// <summary>Shard type names and the node-local actor names they rely on.</summary>
public static class ShardTypes
{
    public const string User = "user";
    public const string Room = "room";
    public const string Account = "account";
    public const string IdBlock = "idblock";

    /// <summary>Name of the node-local actor (under /user) that fans room messages out to local sockets.</summary>
    public const string RoomFanoutName = "room-fanout";
}
