namespace AkkaChat.Edge.Protocols.V2;

using System.Net.WebSockets;
using Akka.Actor;
using AkkaChat.Core;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Transport;
using AkkaChat.Persistence.Query;
using static AkkaChat.Core.Users.ConnectionPushes;

/// <summary>
/// One per protocol-v2 socket (<c>/chat?v=2</c>). Sends are acknowledged only once stored; the client resumes
/// with <c>sync</c> (its last sequence number per stream) and gets every later message from the journal, in
/// order, then <c>synced</c>, then live traffic — each stream through a <see cref="StreamCursor"/>, so nothing
/// is skipped or repeated however live pushes and journal reads interleave. Nothing but acks and errors is
/// sent before the first <c>sync</c>. A recalled message goes out as a recalled slot (no content): the socket knows every
/// recalled sequence number above its cursors from the entities when it starts reading, and later recalls from their pushes.
/// </summary>
public sealed partial class V2Connection : SocketConnectionActor, IWithUnboundedStash
{
    public const int MaxCidLength = 64;

    private readonly MessageLog _log;
    private readonly string _inboxStream; // this user's inbox stream name, named in every inbox frame
    private readonly HashSet<RoomId> _memberRooms = [];
    private readonly Dictionary<RoomId, StreamCursor> _rooms = [];
    private readonly HashSet<string> _awaitingFirstCatchUp = [];
    private readonly HashSet<long> _recalledInbox = []; // recalled inbox seqs above the cursor (all of them before sync)
    private readonly Dictionary<RoomId, HashSet<long>> _recalledRooms = [];
    private IReadOnlyList<RecallNote> _inboxRecalls = []; // the inbox's latest recalls when the entity registered us: told at sync
    private StreamCursor? _inbox;
    private long _inboxHead;
    private bool _syncRequested;
    private bool _syncedSent;
    private long _lastInbound = Environment.TickCount64;

    public V2Connection(UserId user, SocketSession session, IChatTopology topology, IActorRef fanout, MessageLog log, SocketLimits limits)
        : base(user, session, topology, fanout, limits)
    {
        _log = log;
        _inboxStream = Streams.Inbox(user);
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(UserId user, SocketSession session, IChatTopology topology, IActorRef fanout, MessageLog log, SocketLimits limits) =>
        Akka.Actor.Props.Create(() => new V2Connection(user, session, topology, fanout, log, limits)).WithMailbox(SocketMailbox.Id);

    protected override bool ReplayUndelivered => false;

    protected override IReadOnlyDictionary<RoomId, long> RoomMarks() => new Dictionary<RoomId, long>();

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("heartbeat", CheckHeartbeat.Instance, Limits.HeartbeatInterval);
    }

    /// <summary>
    /// The first behavior, until the user entity answers: frames wait in the stash (the read loop is bounded by the
    /// rate limit and the frame size).
    /// </summary>
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case UserReplies.Connected connected:
                OnConnected(connected);
                Session.MarkRegistered(SocketRegistration.Registered);
                Become(Running);
                Stash.UnstashAll();
                break;
            case Core.Refused { Code: Core.RefusalCodes.NotFound }:
                RefuseUnknownUser();
                break;
            case CheckHeartbeat:
                break;
            default:
                if (!HandleLifecycle(message)) Stash.Stash();
                break;
        }
    }

    /// <summary>Registered with the user entity: frames, pushes, sync and catch-up.</summary>
    private void Running(object message)
    {
        switch (message)
        {
            case InboundText text:
                HandleInbound(text);
                break;
            case UserReplies.Connected connected:
                OnConnected(connected);
                break;
            case SyncHeads sync:
                StartSync(sync);
                break;
            case Status.Failure:
                CloseAndStop(WebSocketCloseStatus.InternalServerError, "sync failed, resume again");
                break;

            case PushDirect p:
                OnLiveInbox(p.Message);
                break;
            case DirectAccepted a:
                DirectAnswered(a.Message.Cid);
                Send(V2Frames.EncodeAck(a.Message.Cid, _inboxStream, a.Message.Seq, a.Message.MessageId, a.Message.At));
                OnLiveInbox(a.Message); // the entity pushes to our other sockets; this one learns of its own copy here
                break;
            case RoomAccepted a:
                Send(V2Frames.EncodeAck(a.Message.Cid, Streams.Room(a.Message.RoomId), a.Message.Seq, a.Message.MessageId, a.Message.At));
                break;
            case ChatRefused r:
                DirectAnswered(r.Cid);
                Send(V2Frames.EncodeError(r.Code, r.Reason, r.Cid));
                break;
            case RoomMembershipAdded m:
                OnJoined(m.RoomId, m.Mark);
                break;
            case RoomMembershipRemoved m:
                OnLeft(m.RoomId);
                break;
            case RoomFrame frame:
                OnLiveRoom(frame);
                break;
            case RoomFanoutCommands.RoomLive live:
                // Everything after the head reaches us live; up to it, a read that started before may have missed some.
                if (_rooms.TryGetValue(live.RoomId, out var roomCursor) && roomCursor.OnHead(live.Head) == CursorDecision.StartCatchUp) StartCatchUp(Streams.Room(live.RoomId), live.RoomId);
                break;

            case DirectMessage m:
                if (_inbox?.OnCatchUp(m.Seq) == CursorDecision.Deliver) Deliver(EncodeInbox(m), ChatMeter.Direct);
                AckWhenRoom(Sender);
                break;
            case RoomMessage m:
                if (_rooms.TryGetValue(m.RoomId, out var cursor) && cursor.OnCatchUp(m.Seq) == CursorDecision.Deliver) Deliver(EncodeRoom(m), ChatMeter.Room);
                AckWhenRoom(Sender);
                break;
            case JoinedRoomRecalls j:
                OnJoinedRoomRecalls(j);
                break;
            case CatchUpDone d:
                OnCatchUpDone(d.Stream, d.Room);
                break;
            case CatchUpFailed:
                CloseAndStop(WebSocketCloseStatus.InternalServerError, "reading the journal failed, resume again");
                break;

            case CheckHeartbeat:
                var silentFor = TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastInbound);
                if (silentFor > Limits.HeartbeatInterval * Limits.MissedHeartbeats)
                    CloseAndStop((WebSocketCloseStatus)4000, $"no heartbeat for {(int)silentFor.TotalSeconds} s");
                break;
            default:
                if (!HandleConversationPush(message) && !HandleLifecycle(message)) Unhandled(message);
                break;
        }
    }

    private void OnConnected(UserReplies.Connected connected)
    {
        WatchEntity(Sender);
        _inboxHead = Math.Max(_inboxHead, connected.InboxHead);
        var floor = _inbox?.Delivered ?? 0;
        foreach (var seq in connected.RecalledInbox)
        {
            if (seq > floor) _recalledInbox.Add(seq);
        }
        if (_inbox is null) _inboxRecalls = connected.InboxRecalls;
        // Registered again after the entity moved or restarted: pushes sent meanwhile are lost, read them back.
        if (_inbox is not null && _inbox.BeginCatchUp()) StartCatchUp(_inboxStream, null);
        foreach (var room in connected.Rooms)
        {
            if (_memberRooms.Add(room)) Fanout.Tell(new RoomFanoutCommands.SubscribeRoom(room, Self));
        }
    }

    // ---- inbound ----

    private void HandleInbound(InboundText text)
    {
        _lastInbound = Environment.TickCount64;
        var (frame, error) = V2Frames.Decode(text.Utf8);
        if (frame is null)
        {
            Send(V2Frames.EncodeError("bad-frame", error!.Message, error.Cid));
            return;
        }
        if (frame.Type != "ping" && !TryTakeToken())
        {
            ChatMetrics.RateLimitHit("socket");
            Send(V2Frames.EncodeError("rate-limited", "too many frames, slow down", frame.Cid));
            return;
        }
        switch (frame.Type)
        {
            case "ping":
                Send(V2Frames.Pong);
                break;
            case "send":
                HandleSend(frame);
                break;
            case "sync":
                RequestSync(frame);
                break;
            case "":
                Send(V2Frames.EncodeError("bad-frame", "a v2 frame needs a type (send, sync, ping, read, flags, typing, recall, history, conversations)", frame.Cid));
                break;
            default:
                if (HandleConversationFrame(frame)) break;
                Send(V2Frames.EncodeError("unknown-type", $"unknown frame type '{frame.Type}'", frame.Cid));
                break;
        }
    }

    private void HandleSend(V2Frame frame)
    {
        if (frame.Cid.Length is 0 or > MaxCidLength)
        {
            Send(V2Frames.EncodeError("bad-frame", $"send needs a cid of 1 to {MaxCidLength} characters", frame.Cid));
            return;
        }
        switch (frame.Cmd)
        {
            case ChatCommand.Direct when frame.DstId > 0:
                // Each answer is two frames (the ack and the own copy), and a user's entity answers what it stored
                // in one commit together: twice the sends in flight must fit the socket's queue.
                if (UnansweredDirect >= Session.Capacity / 2 && !IsUnansweredDirect(frame.Cid))
                {
                    Send(V2Frames.EncodeError("refused", "too many messages are waiting for their ack; wait for some", frame.Cid));
                    break;
                }
                ChatMetrics.MessageReceived(ChatMeter.Direct);
                SendDirect(new UserCommands.SendDirect(User, new UserId(frame.DstId), frame.Payload, frame.ClientRef, Self, frame.Cid));
                break;
            case ChatCommand.Room when frame.DstId > 0:
                ChatMetrics.MessageReceived(ChatMeter.Room);
                Topology.Rooms.Tell(new RoomCommands.SendRoomMessage(new RoomId(frame.DstId), User, frame.Payload, frame.ClientRef, Self, frame.Cid));
                break;
            case ChatCommand.Direct or ChatCommand.Room:
                Send(V2Frames.EncodeError("bad-frame", "dstid must be a positive number", frame.Cid));
                break;
            default:
                Send(V2Frames.EncodeError("bad-frame", "send needs cmd 10 (1:1) or 11 (room)", frame.Cid));
                break;
        }
    }

    // ---- resume ----

    private void RequestSync(V2Frame frame)
    {
        if (_syncRequested)
        {
            Send(V2Frames.EncodeError("already-synced", "sync once per connection; reconnect to resume again"));
            return;
        }
        var inbox = frame.Inbox ?? 0;
        var rooms = frame.Rooms ?? new Dictionary<long, long>();
        if (inbox < 0 || rooms.Values.Any(v => v < 0))
        {
            Send(V2Frames.EncodeError("bad-cursor", "sequence numbers are never negative"));
            return;
        }
        if (inbox > _inboxHead)
        {
            Send(V2Frames.EncodeError("cursor-ahead", $"inbox cursor {inbox} is ahead of the stream ({_inboxHead})", stream: _inboxStream));
            return;
        }
        if (rooms.Keys.FirstOrDefault(r => !_memberRooms.Contains(new RoomId(r))) is var foreign and not 0)
        {
            Send(V2Frames.EncodeError("not-member", $"you are not a member of room {foreign}", stream: Streams.Room(new RoomId(foreign))));
            return;
        }
        _syncRequested = true;
        var memberRooms = _memberRooms.ToList();
        var roomsRef = Topology.Rooms;
        // A room the client names is read from its cursor: the recalls above it come with the head. One it does not name starts
        // at its head, so nothing recalled can be read from it (a later recall arrives as a push: the socket is subscribed).
        Task.WhenAll(memberRooms.Select(room => roomsRef.Ask<object>(
                new RoomConversationCommands.GetRoomRecalls(room, rooms.TryGetValue(room.Value, out var from) ? from : long.MaxValue), TimeSpan.FromSeconds(10))))
            .PipeTo(Self, success: replies => new SyncHeads(inbox, rooms, replies.OfType<RoomConversationReplies.RoomRecalls>().ToDictionary(r => r.RoomId)));
    }

    private void StartSync(SyncHeads sync)
    {
        foreach (var (room, cursor) in sync.Requested)
        {
            var head = sync.Heads.GetValueOrDefault(new RoomId(room))?.Head ?? 0;
            if (cursor > head)
            {
                _syncRequested = false;
                Send(V2Frames.EncodeError("cursor-ahead", $"room {room} cursor {cursor} is ahead of the stream ({head})", stream: Streams.Room(new RoomId(room))));
                return;
            }
        }
        _inbox = new StreamCursor(sync.Inbox);
        _recalledInbox.RemoveWhere(seq => seq <= sync.Inbox);
        // Messages at or below a cursor are the device's already: the recalls it may have missed while away are told first.
        TellMissedRecalls(_inboxStream, RecallNote.MissedBy(_inboxRecalls, sync.Inbox));
        _inboxRecalls = [];
        StartCatchUp(_inboxStream, null);
        foreach (var (room, recalls) in sync.Heads)
        {
            // A room the client did not name resumes from its head: live traffic only.
            var from = sync.Requested.TryGetValue(room.Value, out var cursor) ? cursor : recalls.Head;
            _rooms[room] = new StreamCursor(from);
            RecalledIn(room).UnionWith(recalls.Seqs);
            TellMissedRecalls(Streams.Room(room), recalls.Missed);
            StartCatchUp(Streams.Room(room), room);
        }
    }

    private void OnJoined(RoomId room, long mark)
    {
        if (_memberRooms.Add(room)) Fanout.Tell(new RoomFanoutCommands.SubscribeRoom(room, Self));
        if (_inbox is null || _rooms.ContainsKey(room)) return;
        _rooms[room] = new StreamCursor(mark);
        // Subscribed first, then asked: a recall the answer misses reaches the socket as a push.
        var stream = Streams.Room(room);
        Topology.Rooms.Ask<object>(new RoomConversationCommands.GetRoomRecalls(room, mark), TimeSpan.FromSeconds(10))
            .PipeTo(Self, success: reply => reply is RoomConversationReplies.RoomRecalls r ? new JoinedRoomRecalls(room, r.Seqs) : new JoinedRoomRecalls(room, []),
                failure: e => new CatchUpFailed(stream, e));
    }

    private void OnJoinedRoomRecalls(JoinedRoomRecalls recalls)
    {
        if (!_rooms.ContainsKey(recalls.Room)) return; // left meanwhile
        RecalledIn(recalls.Room).UnionWith(recalls.Seqs);
        StartCatchUp(Streams.Room(recalls.Room), recalls.Room);
    }

    private HashSet<long> RecalledIn(RoomId room)
    {
        if (!_recalledRooms.TryGetValue(room, out var recalled)) _recalledRooms[room] = recalled = [];
        return recalled;
    }

    private void StartCatchUp(string stream, RoomId? room)
    {
        if (!_syncedSent) _awaitingFirstCatchUp.Add(stream);
        if (room is { } r) ReadJournal(_log.RoomAfter(r, _rooms[r].Delivered), stream, room);
        else ReadJournal(_log.InboxAfter(User, _inbox!.Delivered), stream, room);
    }

    private void OnCatchUpDone(string stream, RoomId? room)
    {
        var cursor = room is { } r ? _rooms.GetValueOrDefault(r) : _inbox; // a room left during its read has no cursor
        if (cursor is not null && cursor.OnCatchUpDone())
        {
            StartCatchUp(stream, room);
            return;
        }
        // Caught up: nothing at or below the cursor is sent again, so only recalls above it still matter.
        if (cursor is not null) (room is { } rr ? RecalledIn(rr) : _recalledInbox).RemoveWhere(seq => seq <= cursor.Delivered);
        if (_awaitingFirstCatchUp.Remove(stream) && _awaitingFirstCatchUp.Count == 0 && !_syncedSent)
        {
            _syncedSent = true;
            Send(V2Frames.EncodeSynced(_inbox!.Delivered, _rooms.OrderBy(kv => kv.Key.Value).Select(kv => KeyValuePair.Create(kv.Key, kv.Value.Delivered))));
            Topology.Users.Tell(new ConversationCommands.GetOnlineFriends(User)); // answered with the presence snapshot
        }
    }

    // ---- live ----

    private void OnLiveInbox(DirectMessage message)
    {
        _inboxHead = Math.Max(_inboxHead, message.Seq);
        if (_inbox is null) return;
        if (Deliverable(_inbox.OnLive(message.Seq), room: null)) Deliver(EncodeInbox(message), ChatMeter.Direct);
    }

    private void OnLiveRoom(RoomFrame frame)
    {
        if (!_rooms.TryGetValue(frame.Message.RoomId, out var cursor)) return;
        var m = frame.Message;
        if (Deliverable(cursor.OnLive(m.Seq), m.RoomId)) Deliver(IsRecalled(m) ? EncodeRoom(m) : frame.V2, ChatMeter.Room);
    }

    /// <summary>
    /// A message of the inbox as this socket sends it now: whole, or as a recalled slot (the sequence stays gap-free). The
    /// whole one is this socket's alone (every socket of the user encodes its own), so pooled.
    /// </summary>
    private OutboundFrame EncodeInbox(DirectMessage m) =>
        _recalledInbox.Contains(m.Seq) ? V2Frames.EncodeDirectForHistory(_inboxStream, m, recalled: true) : V2Frames.EncodeDirectPooled(_inboxStream, m);

    private byte[] EncodeRoom(RoomMessage m) => V2Frames.EncodeRoomForHistory(m, IsRecalled(m));

    private bool IsRecalled(RoomMessage m) => _recalledRooms.TryGetValue(m.RoomId, out var recalled) && recalled.Contains(m.Seq);

    private void TellMissedRecalls(string stream, IReadOnlyList<RecallNote> missed)
    {
        foreach (var note in missed) Send(V2Frames.EncodeRecalled(stream, note.Seq, note.MessageId));
    }

    /// <summary>A recall pushed by an entity: from now on the message goes out as a slot; the <c>recalled</c> frame tells the client.</summary>
    private void OnRecalled(string stream, RoomId? room, long seq, long messageId)
    {
        var cursor = room is { } r ? _rooms.GetValueOrDefault(r) : _inbox;
        if (cursor is null || seq > cursor.Delivered) (room is { } rr ? RecalledIn(rr) : _recalledInbox).Add(seq); // at or below: never sent again
        Send(V2Frames.EncodeRecalled(stream, seq, messageId));
    }

    /// <summary>
    /// A live message's <paramref name="decision"/> for the inbox or <paramref name="room"/>: true when it is to be sent
    /// now; a gap starts a catch-up read. The caller encodes only what is sent.
    /// </summary>
    private bool Deliverable(CursorDecision decision, RoomId? room)
    {
        if (decision == CursorDecision.StartCatchUp) StartCatchUp(room is { } r ? Streams.Room(r) : _inboxStream, room);
        return decision == CursorDecision.Deliver;
    }

    // ---- outbound ----

    /// <summary>Queues a chat message (live or caught up) on the socket.</summary>
    private void Deliver(OutboundFrame frame, KeyValuePair<string, object?> kind)
    {
        ChatMetrics.MessageDelivered(kind);
        Send(frame);
    }

    private sealed record SyncHeads(long Inbox, IReadOnlyDictionary<long, long> Requested, IReadOnlyDictionary<RoomId, RoomConversationReplies.RoomRecalls> Heads);

    private sealed record JoinedRoomRecalls(RoomId Room, IReadOnlyList<long> Seqs);

    private sealed class CheckHeartbeat
    {
        public static readonly CheckHeartbeat Instance = new();
    }
}
