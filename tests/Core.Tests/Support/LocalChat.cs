namespace AkkaChat.Core.Tests.Support;

using System.Globalization;
using Akka.Actor;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Sharding;
using AkkaChat.Core.Users;

/// <summary>
/// The chat domain on one node without a cluster: an <see cref="EntityRouter"/> per entity kind in place of
/// each shard region, real <see cref="IdLeaser"/>s over the id-block router, and the room fan-out of the test.
/// </summary>
public sealed class LocalChat
{
    private LocalChat(LocalTopology topology, IActorRef users, IActorRef rooms, IActorRef accounts, IActorRef idBlocks, IActorRef userIds)
    {
        Topology = topology;
        Users = users;
        UserIds = userIds;
        Rooms = rooms;
        Accounts = accounts;
        IdBlocks = idBlocks;
    }

    /// <summary>What the entities see; its users and rooms may be probes standing in front of <see cref="Users"/> and <see cref="Rooms"/>.</summary>
    public IChatTopology Topology { get; }

    public IActorRef Users { get; }

    public IActorRef Rooms { get; }

    public IActorRef Accounts { get; }

    public IActorRef IdBlocks { get; }

    /// <summary>The user id leaser itself (entities may see a probe in front of it).</summary>
    public IActorRef UserIds { get; }

    /// <param name="usersSeenByEntities">Where entities send user messages; defaults to the user router itself.</param>
    /// <param name="roomsSeenByEntities">Where entities send room messages; defaults to the room router itself.</param>
    /// <param name="userIdsSeenByEntities">Where accounts ask for user ids; defaults to the user id leaser itself.</param>
    /// <param name="nodes">The cluster's nodes as entities see them; defaults to one, <see cref="Node"/>, whose fan-out is <paramref name="roomFanout"/>.</param>
    public static LocalChat Start(ActorSystem system, ChatSettings settings, IActorRef roomFanout, IActorRef? usersSeenByEntities = null, IActorRef? roomsSeenByEntities = null,
        IReadOnlyList<NodeFanout>? nodes = null, IActorRef? userIdsSeenByEntities = null)
    {
        // Entities read the topology when they send, after every property below is set.
        var topology = new LocalTopology { NodeFanouts = nodes ?? [new NodeFanout(Node, roomFanout)] };

        var idBlocks = system.ActorOf(EntityRouter.Props(new IdBlockMessageExtractor(), kind => Props.Create(() => new IdBlockEntity(kind))), "idblocks");
        var users = system.ActorOf(EntityRouter.Props(new UserMessageExtractor(), id => UserEntity.Props(new UserId(ParseId(id)), topology, settings)), "users");
        var rooms = system.ActorOf(EntityRouter.Props(new RoomMessageExtractor(), id => RoomEntity.Props(new RoomId(ParseId(id)), topology, settings)), "rooms");
        var accounts = system.ActorOf(EntityRouter.Props(new AccountMessageExtractor(), mobile => AccountEntity.Props(mobile, topology, settings)), "accounts");

        topology.Users = usersSeenByEntities ?? users;
        topology.Rooms = roomsSeenByEntities ?? rooms;
        topology.Accounts = accounts;
        var userIds = system.ActorOf(IdLeaser.Props(IdKinds.User, idBlocks, settings.IdBlockSize), "user-ids");
        topology.UserIds = userIdsSeenByEntities ?? userIds;
        topology.RoomIds = system.ActorOf(IdLeaser.Props(IdKinds.Room, idBlocks, settings.IdBlockSize), "room-ids");
        return new LocalChat(topology, users, rooms, accounts, idBlocks, userIds);
    }

    /// <summary>The address of the one node of a local chat, as its fan-out names itself to rooms.</summary>
    public static readonly Address Node = Address.Parse("akka.tcp://local-chat@127.0.0.1:1");

    private static long ParseId(string id) => long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture);

    private sealed class LocalTopology : IChatTopology
    {
        public IActorRef Users { get; set; } = ActorRefs.Nobody;

        public IActorRef Rooms { get; set; } = ActorRefs.Nobody;

        public IActorRef Accounts { get; set; } = ActorRefs.Nobody;

        public IActorRef UserIds { get; set; } = ActorRefs.Nobody;

        public IActorRef RoomIds { get; set; } = ActorRefs.Nobody;

        public IReadOnlyList<NodeFanout> NodeFanouts { get; set; } = [];
    }
}
