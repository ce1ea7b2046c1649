namespace AkkaChat.Core.Users;

using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;
using static AkkaChat.Core.Users.ConnectionPushes;

/// <summary>
/// One user: profile, friends, rooms, 1:1 inbox and live sockets. Sagas that touch another entity
/// (friendship, room join/create) persist a "started" event first and are resumed after recovery,
/// so both halves always end up recorded. A 1:1 message is stored in the recipient's inbox first,
/// then in the sender's, and only then acknowledged to the sending socket.
/// </summary>
public sealed partial class UserEntity : ChatEntity
{
    private const int MaxOutgoingInFlight = 10_000;
    private static readonly TimeSpan LinkRetryInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    private readonly IChatTopology _topology;
    private readonly ChatSettings _settings;
    private readonly HashSet<IActorRef> _connections = [];
    private readonly HashSet<UserId> _onlineFriends = []; // friends with sockets, learned while this user is online; never persisted
    private readonly Dictionary<UserId, List<IActorRef>> _friendWaiters = [];
    private readonly Dictionary<RoomId, List<IActorRef>> _roomWaiters = [];
    private readonly Dictionary<long, OutgoingDirect> _outgoing = [];
    private UserState _state = UserState.Empty;
    private int _roomIdsInFlight;
    private long _nextCorrelation;
    private long _deliveredThrough; // the highest inbox seq a seed-000 socket wrote; ahead of the persisted mark until the last socket closes

    public UserEntity(UserId id, IChatTopology topology, ChatSettings settings)
        : base(settings.EntityIdleTimeout)
    {
        _topology = topology;
        _settings = settings;
        PersistenceId = "user-" + id;
        _state = _state with { Id = id };

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is UserSnapshot s) _state = _state.Apply(s);
        });
        Recover<IChatEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            _deliveredThrough = _state.DeliveredThrough;
            ResumePendingLinks();
        });

        RegisterContactCommands();
        Command<CreateUser>(HandleCreate);
        Command<GetProfile>(_ => Sender.Tell(_state.Exists ? new ProfileReply(_state.PublicProfile) : new UserNotFound(_state.Id)));
        Command<ListFriends>(_ => Sender.Tell(_state.Exists ? new FriendList([.. _state.Friends]) : new UserNotFound(_state.Id)));
        Command<ListRooms>(_ => Sender.Tell(_state.Exists ? new RoomList([.. _state.Rooms]) : new UserNotFound(_state.Id)));

        Command<AddFriend>(HandleAddFriend);
        Command<LinkFriend>(HandleLinkFriend);
        Command<FriendLinked>(HandleFriendLinked);
        Command<UserNotFound>(HandleFriendMissing);

        Command<CreateRoom>(HandleCreateRoom);
        Command<RoomIdReady>(HandleRoomIdReady);
        Command<RoomIdFailed>(f =>
        {
            _roomIdsInFlight--;
            f.ReplyTo.Tell(new UserRefused("could not allocate a room id, try again"));
        });
        Command<JoinRoom>(HandleJoinRoom);
        Command<RoomReplies.MembershipConfirmed>(HandleMembershipConfirmed);
        Command<RoomReplies.RoomNotFound>(HandleRoomMissing);

        Command<Connect>(HandleConnect);
        Command<Disconnect>(d => HandleDisconnect(d.Connection, d.RoomMarks, d.AckTo, d.InboxMark));
        Command<Terminated>(t => HandleDisconnect(t.ActorRef, new Dictionary<RoomId, long>(), null, 0));

        Command<SendDirect>(HandleSendDirect);
        Command<StoreIncomingDirect>(HandleStoreIncoming);
        Command<IncomingDirectStored>(HandleIncomingStored);

        RegisterConversationCommands();
        RegisterSessionCommands();
        RegisterInspectionCommands();

        Command<RetryLinks>(_ => ResumePendingLinks());
        Command<SweepOutgoing>(_ => ExpireOutgoing());
        Command<CheckIdle>(_ => PassivateIfIdle());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public static Props Props(UserId id, IChatTopology topology, ChatSettings settings) =>
        Akka.Actor.Props.Create(() => new UserEntity(id, topology, settings));

    protected override void PreStart()
    {
        base.PreStart();
        StartTicking(SweepOutgoing.Instance, DeliveryTimeout);
    }

    private void HandleCreate(CreateUser cmd)
    {
        if (_state.Exists)
        {
            Sender.Tell(new UserCreatedAck(_state.Id));
            return;
        }
        var replyTo = Sender;
        PersistAndApply(new UserCreated(cmd.UserId, cmd.Mobile, cmd.Profile, cmd.CreatedAt), () => replyTo.Tell(new UserCreatedAck(cmd.UserId)));
    }

    // ---- friendship: persist intent, record the other half, then our half ----

    private void HandleAddFriend(AddFriend cmd)
    {
        // The other user asked first: the direct add accepts their request.
        if (_state.RefuseAnswer(cmd.FriendId) is null)
        {
            HandleAccept(new ContactCommands.AcceptFriendRequest(cmd.UserId, cmd.FriendId));
            return;
        }
        var refusal = _state.RefuseAddFriend(cmd.FriendId);
        if (refusal is not null)
        {
            Sender.Tell(new UserRefused(refusal));
            return;
        }
        if (_state.Friends.Contains(cmd.FriendId))
        {
            Sender.Tell(new UserReplies.FriendAdded(_state.Id, cmd.FriendId));
            return;
        }
        AddWaiter(_friendWaiters, cmd.FriendId, Sender);
        if (_state.PendingFriends.Contains(cmd.FriendId)) return;
        PersistAndApply(new FriendLinkStarted(cmd.FriendId), () =>
        {
            _topology.Users.Tell(new LinkFriend(cmd.FriendId, _state.Id));
            ScheduleLinkRetry();
        });
    }

    private void HandleLinkFriend(LinkFriend cmd)
    {
        if (_state.Blocked.Contains(cmd.RequesterId))
        {
            DeclineBlockedLink(cmd);
            return;
        }
        if (!_state.Exists)
        {
            Sender.Tell(new UserNotFound(_state.Id));
            return;
        }
        var replyTo = Sender;
        if (_state.Friends.Contains(cmd.RequesterId))
        {
            replyTo.Tell(new FriendLinked(_state.Id, cmd.RequesterId));
            return;
        }
        PersistAndApply(new UserEvents.FriendAdded(cmd.RequesterId), () => replyTo.Tell(new FriendLinked(_state.Id, cmd.RequesterId)));
    }

    private void HandleFriendLinked(FriendLinked linked)
    {
        var friend = linked.UserId;
        if (!_state.PendingFriends.Contains(friend))
        {
            ReplyWaiters(_friendWaiters, friend, new UserReplies.FriendAdded(_state.Id, friend));
            return;
        }
        PersistAndApply(new UserEvents.FriendAdded(friend), () => ReplyWaiters(_friendWaiters, friend, new UserReplies.FriendAdded(_state.Id, friend)));
    }

    private void HandleFriendMissing(UserNotFound missing)
    {
        var refused = new UserRefused($"user {missing.UserId} does not exist");
        if (!_state.PendingFriends.Contains(missing.UserId))
        {
            ReplyWaiters(_friendWaiters, missing.UserId, refused);
            return;
        }
        PersistAndApply(new FriendLinkAbandoned(missing.UserId), () => ReplyWaiters(_friendWaiters, missing.UserId, refused));
    }

    // ---- rooms: creation and joins are sagas with the room entity ----

    private void HandleCreateRoom(CreateRoom cmd)
    {
        var refusal = _state.RefuseCreateRoom(cmd.Fields, cmd.MaxOwnedRooms, _roomIdsInFlight);
        if (refusal is not null)
        {
            Sender.Tell(new UserRefused(refusal));
            return;
        }
        _roomIdsInFlight++;
        var replyTo = Sender;
        var fields = cmd.Fields;
        _topology.RoomIds.Ask<IdLeased>(NextId.Instance, TimeSpan.FromSeconds(10))
            .PipeTo(Self, success: leased => new RoomIdReady(new RoomId(leased.Id), fields, replyTo), failure: _ => new RoomIdFailed(replyTo));
    }

    private void HandleRoomIdReady(RoomIdReady ready)
    {
        _roomIdsInFlight--;
        AddWaiter(_roomWaiters, ready.RoomId, ready.ReplyTo);
        var started = new RoomLinkStarted(ready.RoomId, ready.Fields);
        PersistAndApply(started, () =>
        {
            SendRoomLink(started);
            ScheduleLinkRetry();
        });
    }

    private void HandleJoinRoom(JoinRoom cmd)
    {
        if (!_state.Exists)
        {
            Sender.Tell(new UserRefused($"user {_state.Id} does not exist"));
            return;
        }
        if (cmd.RoomId.Value <= 0)
        {
            Sender.Tell(new UserRefused("room id must be a positive number"));
            return;
        }
        AddWaiter(_roomWaiters, cmd.RoomId, Sender);
        if (_state.PendingRooms.ContainsKey(cmd.RoomId)) return;
        if (_state.Rooms.Contains(cmd.RoomId))
        {
            // Already a member: the room confirms (idempotently) and the waiter gets the room's profile.
            _topology.Rooms.Tell(new RoomCommands.AddMember(cmd.RoomId, _state.Id));
            return;
        }
        var started = new RoomLinkStarted(cmd.RoomId, null);
        PersistAndApply(started, () =>
        {
            SendRoomLink(started);
            ScheduleLinkRetry();
        });
    }

    private void HandleMembershipConfirmed(RoomReplies.MembershipConfirmed confirmed)
    {
        var room = confirmed.Room;
        if (!_state.PendingRooms.TryGetValue(room.Id, out var pending))
        {
            ReplyWaiters(_roomWaiters, room.Id, new UserReplies.RoomJoined(room));
            return;
        }
        object reply = pending.Create is not null ? new UserReplies.RoomCreated(room) : new UserReplies.RoomJoined(room);
        PersistAndApply(new RoomLinked(room.Id, room.OwnerId == _state.Id, confirmed.Mark), () =>
        {
            ReplyWaiters(_roomWaiters, room.Id, reply);
            foreach (var connection in _connections) connection.Tell(new RoomMembershipAdded(room.Id, confirmed.Mark));
        });
    }

    private void HandleRoomMissing(RoomReplies.RoomNotFound missing)
    {
        var refused = new UserRefused($"room {missing.RoomId} does not exist");
        if (!_state.PendingRooms.ContainsKey(missing.RoomId))
        {
            ReplyWaiters(_roomWaiters, missing.RoomId, refused);
            return;
        }
        PersistAndApply(new RoomLinkAbandoned(missing.RoomId), () => ReplyWaiters(_roomWaiters, missing.RoomId, refused));
    }

    private void SendRoomLink(RoomLinkStarted link)
    {
        object command = link.Create is { } fields
            ? new RoomCommands.CreateRoomLog(link.RoomId, _state.Id, fields, DateTimeOffset.UtcNow)
            : new RoomCommands.AddMember(link.RoomId, _state.Id);
        _topology.Rooms.Tell(command);
    }

    private void ResumePendingLinks()
    {
        foreach (var friend in _state.PendingFriends) _topology.Users.Tell(new LinkFriend(friend, _state.Id));
        foreach (var link in _state.PendingRooms.Values) SendRoomLink(link);
        if (_state.PendingFriends.Count + _state.PendingRooms.Count > 0) ScheduleLinkRetry();
    }

    /// <summary>A link message can be lost (sharding delivers at most once): pending links are re-sent until answered.</summary>
    private void ScheduleLinkRetry()
    {
        if (!Timers.IsTimerActive("links")) Timers.StartSingleTimer("links", RetryLinks.Instance, LinkRetryInterval);
    }

    // ---- sockets ----

    private void HandleConnect(Connect cmd)
    {
        if (!_state.Exists)
        {
            Sender.Tell(new UserNotFound(_state.Id));
            return;
        }
        var backlog = cmd.WantsBacklog && _connections.Count == 0 ? _state.UndeliveredBacklog() : [];
        if (_connections.Add(cmd.Connection))
        {
            Context.Watch(cmd.Connection);
            if (_connections.Count == 1) AnnouncePresence(online: true);
        }
        Sender.Tell(new Connected(_state.Id, [.. _state.Rooms], backlog, _state.RoomMarks, _state.InboxSeq)
        {
            FirstSocket = _connections.Count == 1,
            RecalledInbox = cmd.WantsBacklog ? [] : [.. _state.RecalledSeqs],
            InboxRecalls = cmd.WantsBacklog ? [] : _state.RecentRecalls,
        });
    }

    /// <summary>
    /// A socket is gone. Its marks are kept even when its termination was noticed first (the watch can overtake the
    /// socket's own Disconnect), so what it delivered is never delivered again.
    /// </summary>
    private void HandleDisconnect(IActorRef connection, IReadOnlyDictionary<RoomId, long> roomMarks, IActorRef? ackTo, long inboxMark)
    {
        _deliveredThrough = Math.Max(_deliveredThrough, Math.Min(inboxMark, _state.InboxSeq));
        if (_connections.Remove(connection))
        {
            Context.Unwatch(connection);
            if (_connections.Count == 0)
            {
                AnnouncePresence(online: false);
                _onlineFriends.Clear(); // presence stops arriving with the last socket: rebuilt from answers on the next
            }
        }
        var events = new List<IChatEvent>(2);
        var advanced = _state.AdvancedMarks(roomMarks);
        if (advanced.Count > 0) events.Add(new RoomMarksAdvanced(advanced));
        if (_connections.Count == 0 && _deliveredThrough > _state.DeliveredThrough) events.Add(new InboxDelivered(_deliveredThrough));
        var ack = new DisconnectRecorded(_state.Id);
        if (events.Count == 0)
        {
            ackTo?.Tell(ack);
            return;
        }
        PersistAllAndApply(events);
        if (ackTo is not null) DeferAsync(ack, a => ackTo.Tell(a));
    }

    // ---- 1:1 messages: recipient's inbox first, then ours, then the ack ----

    private void HandleSendDirect(SendDirect cmd)
    {
        if (_state.Exists && _state.Blocked.Contains(cmd.RecipientId) && _state.ResentBySelf(cmd.Cid) is null)
        {
            RefuseDirectToBlocked(cmd);
            return;
        }
        var refusal = _state.RefuseSendDirect(cmd.RecipientId, cmd.Payload);
        if (refusal is null && _outgoing.Count >= MaxOutgoingInFlight) refusal = "too many messages in flight, slow down";
        if (refusal is not null)
        {
            var code = _state.Exists && !_state.Friends.Contains(cmd.RecipientId) && cmd.RecipientId != _state.Id ? "not-friend" : "refused";
            cmd.Origin.Tell(new ChatRefused(cmd.ClientRef, code, refusal, cmd.Cid));
            return;
        }
        if (_state.ResentBySelf(cmd.Cid) is { } stored)
        {
            cmd.Origin.Tell(new DirectAccepted(cmd.ClientRef, stored));
            return;
        }
        if (cmd.Cid.Length > 0 && _outgoing.Values.FirstOrDefault(o => o.Command.Cid == cmd.Cid) is { } inFlight)
        {
            inFlight.Resends.Add(cmd);
            return;
        }
        var correlation = ++_nextCorrelation;
        var at = DateTimeOffset.UtcNow;
        _outgoing[correlation] = new OutgoingDirect(cmd, at + DeliveryTimeout);
        _topology.Users.Tell(new StoreIncomingDirect(cmd.RecipientId, _state.Id, cmd.Payload, at, correlation, MessageIds.New(), cmd.Cid));
    }

    private void HandleStoreIncoming(StoreIncomingDirect cmd)
    {
        if (_state.Blocked.Contains(cmd.SenderId) && _state.ResentBy(cmd.SenderId, cmd.Cid) is null)
        {
            RefuseDirectFromBlocked(cmd);
            return;
        }
        if (!_state.Exists)
        {
            Sender.Tell(new UserNotFound(_state.Id));
            return;
        }
        var replyTo = Sender;
        if (_state.ResentBy(cmd.SenderId, cmd.Cid) is { } stored)
        {
            replyTo.Tell(new IncomingDirectStored(_state.Id, cmd.SenderId, cmd.Correlation, stored.Seq, stored.MessageId, stored.At));
            return;
        }
        var message = _state.NextInboxMessage(cmd.SenderId, _state.Id, cmd.Payload, cmd.At, cmd.MessageId, cmd.Cid);
        PersistAndApply(new DirectMessageStored(message), () =>
        {
            ChatMeter.MessageStored(ChatMeter.Direct);
            Push(message, except: null);
            replyTo.Tell(new IncomingDirectStored(_state.Id, cmd.SenderId, cmd.Correlation, message.Seq, message.MessageId, message.At));
        });
    }

    private void HandleIncomingStored(IncomingDirectStored stored)
    {
        if (!_outgoing.Remove(stored.Correlation, out var outgoing)) return;
        var send = outgoing.Command;
        if (_state.ResentBySelf(send.Cid) is { } existing)
        {
            outgoing.Acknowledge(existing);
            return;
        }
        var message = _state.NextInboxMessage(_state.Id, send.RecipientId, send.Payload, stored.At, stored.MessageId, send.Cid);
        PersistAndApply(new DirectMessageStored(message), () =>
        {
            Push(message, except: send.Origin);
            outgoing.Acknowledge(message);
        });
    }

    private void ExpireOutgoing()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (correlation, outgoing) in _outgoing.Where(kv => kv.Value.Deadline < now).ToList())
        {
            _outgoing.Remove(correlation);
            foreach (var send in outgoing.Sends)
                send.Origin.Tell(new ChatRefused(send.ClientRef, "timeout", "the recipient did not confirm in time; send again", send.Cid));
        }
    }

    /// <summary>
    /// Pushes to every socket of this user but <paramref name="except"/>. What counts as delivered for the seed-000
    /// offline backlog is what the sockets report they wrote when they close, not what was pushed.
    /// </summary>
    private void Push(DirectMessage message, IActorRef? except)
    {
        foreach (var connection in _connections)
        {
            if (!connection.Equals(except)) connection.Tell(new PushDirect(message));
        }
    }

    private void PassivateIfIdle()
    {
        if (IsIdle && _connections.Count == 0 && _outgoing.Count == 0 && _friendWaiters.Count == 0 && _roomWaiters.Count == 0)
        {
            if (_deliveredThrough > _state.DeliveredThrough) PersistAndApply(new InboxDelivered(_deliveredThrough), () => { });
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        }
    }

    // ---- plumbing ----

    private void PersistAndApply(IChatEvent e, Action after)
    {
        var started = Stopwatch.GetTimestamp();
        Persist(e, persisted =>
        {
            ChatMeter.CommitObserved(started);
            _state = _state.Apply(persisted);
            after();
            MaybeSnapshot();
        });
    }

    private void PersistAllAndApply(IReadOnlyList<IChatEvent> events)
    {
        var started = Stopwatch.GetTimestamp();
        PersistAll(events, persisted =>
        {
            ChatMeter.CommitObserved(started);
            _state = _state.Apply(persisted);
            MaybeSnapshot();
        });
    }

    private void MaybeSnapshot()
    {
        if (SnapshotDue(_settings)) SaveSnapshot(_state.ToSnapshot());
    }

    private static void AddWaiter<TKey>(Dictionary<TKey, List<IActorRef>> waiters, TKey key, IActorRef waiter) where TKey : notnull
    {
        if (!waiters.TryGetValue(key, out var list)) waiters[key] = list = [];
        list.Add(waiter);
    }

    private static void ReplyWaiters<TKey>(Dictionary<TKey, List<IActorRef>> waiters, TKey key, object reply) where TKey : notnull
    {
        if (!waiters.Remove(key, out var list)) return;
        foreach (var waiter in list) waiter.Tell(reply);
    }

    /// <summary>A send waiting for the recipient's confirmation, with any resends of the same cid that arrived meanwhile.</summary>
    private sealed record OutgoingDirect(SendDirect Command, DateTimeOffset Deadline)
    {
        public List<SendDirect> Resends { get; } = [];

        public IEnumerable<SendDirect> Sends => Resends.Prepend(Command);

        public void Acknowledge(DirectMessage stored)
        {
            foreach (var send in Sends) send.Origin.Tell(new DirectAccepted(send.ClientRef, stored));
        }
    }

    private sealed record RoomIdReady(RoomId RoomId, RoomFields Fields, IActorRef ReplyTo);

    private sealed record RoomIdFailed(IActorRef ReplyTo);

    private sealed class RetryLinks
    {
        public static readonly RetryLinks Instance = new();
    }

    private sealed class SweepOutgoing : IEntityTick
    {
        public static readonly SweepOutgoing Instance = new();
    }
}
