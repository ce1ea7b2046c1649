namespace AkkaChat.Core.Tests.Support;

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Persistence.Serialization;
using Xunit.Abstractions;
using static AkkaChat.Core.Accounts.AccountCommands;
using static AkkaChat.Core.Accounts.AccountReplies;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// Base of the entity specs: an actor system with in-memory stores that persist through the chat serializer,
/// a <see cref="LocalChat"/> per test, and short, always-bounded helpers for the common conversations.
/// </summary>
public abstract class ChatActorSpec : TestKit
{
    /// <summary>Upper bound of every wait for something that should happen.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>How long to watch for something that must not happen.</summary>
    protected static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    protected static readonly ChatSettings DefaultSettings = new(MaxOwnedRooms: 3, EntityIdleTimeout: TimeSpan.FromMinutes(10), SnapshotEvery: 1000, IdBlockSize: 10);

    private static readonly Config SpecConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.actor.serialize-messages = off
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        # The same plugins, storing what the chat serializer reads back (see SerializingMemoryJournal).
        akka.persistence.journal.inmem.class = "AkkaChat.Core.Tests.Support.SerializingMemoryJournal, AkkaChat.Core.Tests"
        akka.persistence.snapshot-store.inmem.class = "AkkaChat.Core.Tests.Support.SerializingMemorySnapshotStore, AkkaChat.Core.Tests"
        """).WithFallback(ChatSerialization.Config);

    protected ChatActorSpec(ITestOutputHelper output)
        : this(output, Config.Empty)
    {
    }

    /// <summary>With <paramref name="overrides"/> taking precedence over the spec's configuration.</summary>
    protected ChatActorSpec(ITestOutputHelper output, Config overrides)
        : base(overrides.WithFallback(SpecConfig), output: output)
    {
        RoomFanout = CreateTestProbe("room-fanout");
    }

    /// <summary>Every <see cref="LocalChat"/> of the test publishes room messages here.</summary>
    protected TestProbe RoomFanout { get; }

    protected IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor("");

    protected IActorRef SnapshotStore => Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor("");

    protected LocalChat StartChat(ChatSettings? settings = null, IActorRef? usersSeenByEntities = null, IActorRef? roomsSeenByEntities = null,
        IActorRef? userIdsSeenByEntities = null) =>
        LocalChat.Start(Sys, settings ?? DefaultSettings, RoomFanout.Ref, usersSeenByEntities, roomsSeenByEntities, userIdsSeenByEntities: userIdsSeenByEntities);

    /// <summary>
    /// <paramref name="fanout"/> (default <see cref="RoomFanout"/>) subscribes its node (default <see cref="LocalChat.Node"/>)
    /// to <paramref name="room"/> as a node's fan-out actor does; returns the room's head from the answer.
    /// </summary>
    protected long SubscribeNode(LocalChat chat, RoomId room, TestProbe? fanout = null, Address? node = null, bool subscribed = true, long request = 1, long rollCall = 0)
    {
        fanout ??= RoomFanout;
        chat.Rooms.Tell(new NodeSubscriptionCommands.SetNodeSubscription(room, (node ?? LocalChat.Node).ToString(), fanout.Ref, subscribed, request, rollCall), fanout.Ref);
        var set = fanout.ExpectMsg<NodeSubscriptionReplies.NodeSubscriptionSet>(Timeout);
        Assert.Equal((room, subscribed, request), (set.RoomId, set.Subscribed, set.Request));
        return set.Head;
    }

    /// <summary>
    /// Makes <paramref name="gate"/> a stand-in for <paramref name="target"/> that holds every <typeparamref name="THeld"/>
    /// until the test forwards it (or never does, to lose it), and passes everything else straight on.
    /// </summary>
    protected static void HoldOnly<THeld>(TestProbe gate, IActorRef target)
    {
        gate.IgnoreMessages(message => message is not THeld);
        gate.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is not THeld) target.Tell(message, sender);
            return AutoPilot.KeepRunning;
        }));
    }

    /// <summary>Entities reach users through a gate that holds every <typeparamref name="THeld"/> until the test forwards it.</summary>
    protected (LocalChat Chat, TestProbe Gate) StartChatWithUsersGate<THeld>()
    {
        var gate = CreateTestProbe("users-gate");
        var chat = StartChat(usersSeenByEntities: gate.Ref);
        HoldOnly<THeld>(gate, chat.Users);
        return (chat, gate);
    }

    /// <summary>
    /// <paramref name="sender"/> sends <paramref name="recipient"/> two cid messages ("one" and "two", reply tags 1 and 2,
    /// answered to <paramref name="origin"/>), whose copies <paramref name="gate"/> holds: returns both and the sender's entity.
    /// </summary>
    protected static (StoreIncomingDirect First, StoreIncomingDirect Second, IActorRef SenderEntity) SendTwoHeldAtTheGate(
        LocalChat chat, TestProbe gate, UserId sender, UserId recipient, IActorRef origin)
    {
        chat.Users.Tell(new SendDirect(sender, recipient, Samples.Text("one"), 1, origin, "c-1"));
        chat.Users.Tell(new SendDirect(sender, recipient, Samples.Text("two"), 2, origin, "c-2"));
        var first = gate.ExpectMsg<StoreIncomingDirect>(Timeout);
        var second = gate.ExpectMsg<StoreIncomingDirect>(Timeout);
        return (first, second, gate.LastSender);
    }

    /// <summary>Sends <paramref name="message"/> from a fresh probe and returns its reply, which must be a <typeparamref name="T"/>.</summary>
    protected T Query<T>(IActorRef target, object message)
    {
        var probe = CreateTestProbe();
        target.Tell(message, probe.Ref);
        return probe.ExpectMsg<T>(Timeout);
    }

    protected UserId Register(LocalChat chat, string mobile, string nickname) =>
        Query<AccountRegistered>(chat.Accounts, new RegisterAccount(mobile, "hash-of-" + nickname, Samples.Profile(nickname))).UserId;

    protected void MakeFriends(LocalChat chat, UserId user, UserId friend) =>
        Assert.Equal(new FriendAdded(user, friend), Query<FriendAdded>(chat.Users, new AddFriend(user, friend)));

    /// <summary>Alice and Bob registered (mobiles 13800000001 and 13800000002) and friends: the usual start of a 1:1 spec.</summary>
    protected (UserId Alice, UserId Bob) AliceAndBobAsFriends(LocalChat chat)
    {
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        MakeFriends(chat, alice, bob);
        return (alice, bob);
    }

    protected IReadOnlyList<UserId> FriendsOf(LocalChat chat, UserId user) => Query<FriendList>(chat.Users, new ListFriends(user)).Friends;

    protected IReadOnlyList<RoomId> RoomsOf(LocalChat chat, UserId user) => Query<RoomList>(chat.Users, new ListRooms(user)).Rooms;

    protected RoomProfile CreateRoom(LocalChat chat, UserId owner, string name) =>
        Query<RoomCreated>(chat.Users, new CreateRoom(owner, Samples.Room(name), DefaultSettings.MaxOwnedRooms)).Room;

    protected RoomProfile JoinRoom(LocalChat chat, UserId user, RoomId room) => Query<RoomJoined>(chat.Users, new JoinRoom(user, room)).Room;

    /// <summary>
    /// Opens a socket (a probe) for <paramref name="user"/>. It sees only message traffic; notices such as
    /// presence or typing, which entities also push to sockets, are ignored here.
    /// </summary>
    protected (TestProbe Socket, Connected Connected) Connect(LocalChat chat, UserId user)
    {
        var socket = CreateTestProbe();
        socket.IgnoreMessages(message => message is not (PushDirect or DirectAccepted or RoomAccepted or ChatRefused or RoomMembershipAdded));
        var connected = Query<Connected>(chat.Users, new Connect(user, socket.Ref));
        return (socket, connected);
    }

    /// <summary>Stops an entity with a <see cref="PoisonPill"/> and waits for it to terminate; the next message recovers a new incarnation.</summary>
    protected void StopEntity(IActorRef router, string entityId) =>
        Assert.Equal(new EntityStopped(entityId), Query<EntityStopped>(router, new StopEntity(entityId)));

    protected SelectedSnapshot? LatestSnapshot(string persistenceId) =>
        Query<LoadSnapshotResult>(SnapshotStore, new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue)).Snapshot;

    /// <summary>The events the journal holds for <paramref name="persistenceId"/>, oldest first, as recovery would read them.</summary>
    protected IReadOnlyList<object> JournalEvents(string persistenceId)
    {
        var probe = CreateTestProbe();
        Journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, persistenceId, probe.Ref), probe.Ref);
        var events = new List<object>();
        while (true)
        {
            switch (probe.ExpectMsg<object>(Timeout))
            {
                case ReplayedMessage replayed:
                    events.Add(replayed.Persistent.Payload);
                    break;
                case RecoverySuccess:
                    return events;
                case var other:
                    Assert.Fail($"unexpected reply to a replay of {persistenceId}: {other}");
                    break;
            }
        }
    }

    /// <summary>Deletes journal events up to <paramref name="toSequenceNr"/>, so recovery can only get that far from a snapshot.</summary>
    protected void DeleteEventsTo(string persistenceId, long toSequenceNr)
    {
        var probe = CreateTestProbe();
        Journal.Tell(new DeleteMessagesTo(persistenceId, toSequenceNr, probe.Ref), probe.Ref);
        Assert.Equal(toSequenceNr, probe.ExpectMsg<DeleteMessagesSuccess>(Timeout).ToSequenceNr);
    }
}
