namespace AkkaChat.Edge.Protocols.Seed000;

using System.Net.WebSockets;
using Akka.Actor;
using Akka.Streams.Dsl;
using AkkaChat.Core;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Transport;
using AkkaChat.Persistence.Query;
using static AkkaChat.Core.Users.ConnectionPushes;

/// <summary>
/// One per socket (seed-000 protocol). Turns frames into commands for the user and room entities and
/// pushes what they send back. On start it registers with its user entity, reads what the user missed
/// while offline from the journal (the inbox through a <see cref="StreamCursor"/>, as a v2 socket resumes,
/// so live 1:1 pushes wait behind it), subscribes to its rooms on this node's fan-out actor and, after the
/// 1:1 backlog, catches each room up from the user's last mark before passing live room traffic on, so
/// messages arrive in order.
/// It never echoes a message to the socket that sent it and sends a seed-000 socket nothing but chat
/// messages and error frames.
/// </summary>
public sealed class Seed000Connection : SocketConnectionActor
{
    private const int RoomCatchUpLimit = 200;
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(10);
    private const int MaxBufferedPerRoom = 1000;

    /// <summary>
    /// 1:1 sends not yet stored that a socket may have, a bound on what the connection keeps to send again. Not the
    /// outbound queue's size, as v2's is: a seed-000 send is answered with no frame.
    /// </summary>
    public const int MaxUnansweredDirect = 1024;

    private const string InboxStream = "inbox";

    private readonly MessageLog _log;
    private readonly Dictionary<RoomId, RoomCursor> _rooms = [];
    private readonly WrittenMark _inbox = new(0);
    private readonly HashSet<long> _recalledInbox = []; // recalled inbox seqs above the cursor: never sent
    private readonly HashSet<long> _ownInbox = []; // our own sends acknowledged while the inbox catches up: the read must not echo them
    private StreamCursor? _inboxCursor; // from the entity's first answer on
    private List<RoomId>? _roomsAfterBacklog; // live rooms whose catch-up waits for the 1:1 backlog; null once it is read

    public Seed000Connection(UserId user, SocketSession session, IChatTopology topology, IActorRef fanout, MessageLog log, SocketLimits limits)
        : base(user, session, topology, fanout, limits)
    {
        _log = log;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case InboundText text:
                HandleInbound(text);
                break;
            case UserReplies.Connected connected:
                HandleConnected(connected);
                break;
            case Core.Refused { Code: Core.RefusalCodes.NotFound }:
                RefuseUnknownUser();
                break;
            case PushDirect p:
                OnLiveInbox(p.Message, own: false);
                break;
            case DirectAccepted a:
                // The seed client shows its own message itself and expects no ack; the message still counts as seen.
                DirectAnswered(a.Message.Cid);
                OnLiveInbox(a.Message, own: true);
                break;
            case ConversationReplies.MessageRecalled r:
                // Never sent once recalled (a seed-000 client cannot be told); what was queued before stays delivered.
                if (_inboxCursor is null || r.Seq > _inboxCursor.Delivered) _recalledInbox.Add(r.Seq);
                break;
            case DirectMessage m:
                OnCatchUpInbox(m);
                AckWhenRoom(Sender);
                break;
            case CatchUpDone:
                OnInboxCaughtUp();
                break;
            case CatchUpFailed:
                // The delivery cursor only counts what was written, so the reconnecting client is sent the rest.
                CloseAndStop(WebSocketCloseStatus.InternalServerError, "reading missed messages failed, reconnect");
                break;
            case RoomAccepted a:
                // Our own room message comes back through the fan-out (in room order) and only moves the mark there;
                // while a room catches up it may come back in the catch-up page too: remember it to skip it there.
                if (_rooms.TryGetValue(a.Message.RoomId, out var cursor) && cursor.CatchingUp) cursor.OwnSends.Add(a.Message.Seq);
                break;
            case ChatRefused r:
                DirectAnswered(r.Cid);
                Send(Seed000Frames.EncodeError(r.Code, r.Reason, r.ReplyTag));
                break;
            case RoomMembershipAdded m:
                TrackRoom(m.RoomId, m.Mark, catchUp: true); // from the join on: what was stored before this node subscribed is fetched
                break;
            case RoomMembershipRemoved m:
                _rooms.Remove(m.RoomId);
                Fanout.Tell(new RoomFanoutCommands.UnsubscribeRoom(m.RoomId, Self));
                break;
            case RoomFrame frame:
                HandleRoomFrame(frame);
                break;
            case RoomFanoutCommands.RoomLive live:
                HandleRoomLive(live);
                break;
            case RoomReplies.RoomMessages page:
                HandleCatchUp(page);
                break;
            case RoomRecallPublished r:
                ForgetRecalled(r);
                break;
            case CatchUpRefused r:
                FinishCatchUp(r.RoomId);
                break;
            default:
                // Receipts, typing, presence, recalls and read markers are protocol-v2 pushes: a seed-000 client could
                // not render them, so what is not a lifecycle message is dropped.
                HandleLifecycle(message);
                break;
        }
    }

    public static Props Props(UserId user, SocketSession session, IChatTopology topology, IActorRef fanout, MessageLog log, SocketLimits limits) =>
        Akka.Actor.Props.Create(() => new Seed000Connection(user, session, topology, fanout, log, limits)).WithMailbox(SocketMailbox.Id);

    protected override bool ReplayUndelivered => true;

    /// <summary>
    /// Per room, the last message the socket actually wrote (not merely queued): frames still queued when the socket
    /// died are delivered again on the next connect instead of being lost.
    /// </summary>
    protected override IReadOnlyDictionary<RoomId, long> RoomMarks() =>
        _rooms.Select(r => (Room: r.Key, Mark: r.Value.Mark.WrittenThrough(Session.Written)))
            .Where(r => r.Mark > 0)
            .ToDictionary(r => r.Room, r => r.Mark);

    protected override long DeliveredThrough() => _inbox.WrittenThrough(Session.Written);

    private void HandleInbound(InboundText text)
    {
        var (frame, error) = Seed000Frames.Decode(text.Utf8);
        if (frame is null)
        {
            Send(Seed000Frames.EncodeError("bad-frame", error!.Message, error.ClientRef));
            return;
        }
        if (frame.Cmd is null)
        {
            Send(Seed000Frames.EncodeError("bad-frame", "missing cmd", frame.ClientRef));
            return;
        }
        if (frame.Cmd == ChatCommand.Heartbeat) return;
        if (!TryTakeToken())
        {
            ChatMetrics.RateLimitHit("socket");
            Send(Seed000Frames.EncodeError("rate-limited", "too many messages, slow down", frame.ClientRef));
            return;
        }
        switch (frame.Cmd)
        {
            case ChatCommand.Direct when frame.DstId > 0:
                if (UnansweredDirect >= MaxUnansweredDirect)
                {
                    Send(Seed000Frames.EncodeError(Core.RefusalCodes.Refused, "too many messages are waiting to be stored; wait for some", frame.ClientRef));
                    break;
                }
                ChatMetrics.MessageReceived(ChatMeter.Direct);
                // The seed-000 frame has no cid, so the connection makes one: the send then takes the direct routes to the
                // sender's and the recipient's entities and is sent again after either moved, and the recipient stores it once.
                SendDirect(new UserCommands.SendDirect(User, new UserId(frame.DstId), frame.Payload, frame.ClientRef, Self, ConnectionCid("s0-")));
                break;
            case ChatCommand.Room when frame.DstId > 0:
                ChatMetrics.MessageReceived(ChatMeter.Room);
                Topology.Rooms.Tell(new RoomCommands.SendRoomMessage(new RoomId(frame.DstId), User, frame.Payload, frame.ClientRef, Self));
                break;
            case ChatCommand.Direct or ChatCommand.Room:
                Send(Seed000Frames.EncodeError("bad-frame", "dstid must be a positive number", frame.ClientRef));
                break;
            default:
                Send(Seed000Frames.EncodeError("unknown-cmd", $"unknown cmd {frame.Cmd}", frame.ClientRef));
                break;
        }
    }

    private void HandleConnected(UserReplies.Connected connected)
    {
        WatchEntity(Sender);
        StartInbox(connected);
        foreach (var room in connected.Rooms)
        {
            if (_rooms.ContainsKey(room)) continue;
            // Only the user's first socket catches rooms up from the stored marks; a second device starts live.
            TrackRoom(room, connected.RoomMarks.GetValueOrDefault(room), catchUp: connected.FirstSocket);
        }
        // Registered and subscribed: the upgrade is answered only now, so whatever is stored once the client holds an open
        // socket reaches it, on a second device too (which starts live, with no backlog). It does not wait for the backlog
        // read: the cursor holds live pushes behind it, and its frames wait in the session until the socket is attached.
        Session.MarkRegistered(SocketRegistration.Registered);
    }

    /// <summary>
    /// The inbox starts after <see cref="UserReplies.Connected.BacklogAfter"/> (the inbox head, so live at once, when there is
    /// nothing to replay) and reads up to the head from the journal. Registered again after the entity moved, the cursor
    /// stays: the new head makes it read whatever pushes were lost meanwhile, from where it is.
    /// </summary>
    private void StartInbox(UserReplies.Connected connected)
    {
        var first = _inboxCursor is null;
        var cursor = _inboxCursor ??= StreamCursor.Live(connected.BacklogAfter);
        foreach (var seq in connected.RecalledInbox)
        {
            if (seq > cursor.Delivered) _recalledInbox.Add(seq);
        }
        if (cursor.OnHead(connected.InboxHead) != CursorDecision.StartCatchUp) return;
        if (first) _roomsAfterBacklog = [];
        ReadInbox();
    }

    /// <summary>
    /// Reads the inbox after the cursor, up to the newest message known to be stored (the head or a push): a message stored
    /// later is read by the next read, after its push or our own send's ack has arrived, so a send of ours is always known
    /// as ours when the read meets it and is never echoed.
    /// </summary>
    private void ReadInbox()
    {
        var cursor = _inboxCursor!;
        var through = cursor.HighestSeen;
        ReadJournal(_log.InboxAfter(User, cursor.Delivered).TakeWhile(m => m.Seq <= through), InboxStream, room: null);
    }

    private void OnLiveInbox(DirectMessage message, bool own)
    {
        if (_inboxCursor is not { } cursor) return; // before the entity's answer: its head covers it
        var decision = cursor.OnLive(message.Seq);
        if (decision == CursorDecision.Deliver)
        {
            DeliverDirect(message.Seq, own || _recalledInbox.Contains(message.Seq) ? default(OutboundFrame?) : Seed000Frames.EncodeDirect(message));
            return;
        }
        if (own && message.Seq > cursor.Delivered) _ownInbox.Add(message.Seq);
        if (decision == CursorDecision.StartCatchUp) ReadInbox();
    }

    /// <remarks>
    /// A send of ours whose acknowledgement was lost (its entity moved as it stored it) is still unanswered here: the read
    /// can meet it before the new entity answers the send told again (<see cref="SocketConnectionActor.WatchEntity"/>),
    /// and it must not be echoed either.
    /// </remarks>
    private void OnCatchUpInbox(DirectMessage message)
    {
        if (_inboxCursor?.OnCatchUp(message.Seq) != CursorDecision.Deliver) return;
        var silent = _ownInbox.Remove(message.Seq)
            || (message.SenderId == User && IsUnansweredDirect(message.Cid))
            || _recalledInbox.Contains(message.Seq);
        DeliverDirect(message.Seq, silent ? default(OutboundFrame?) : Seed000Frames.EncodeDirect(message));
    }

    private void OnInboxCaughtUp()
    {
        var cursor = _inboxCursor!;
        if (cursor.OnCatchUpDone())
        {
            ReadInbox();
            return;
        }
        // Nothing at or below the cursor is sent again: only what lies above it still matters.
        _recalledInbox.RemoveWhere(seq => seq <= cursor.Delivered);
        _ownInbox.Clear();
        if (_roomsAfterBacklog is not { } waiting) return;
        _roomsAfterBacklog = null;
        foreach (var room in waiting)
        {
            if (_rooms.TryGetValue(room, out var roomCursor) && roomCursor.CatchingUp) FetchRoom(room, roomCursor);
        }
    }

    /// <summary>
    /// Starts receiving a room. Live frames wait until the room has this node subscribed (<see cref="RoomFanoutCommands.RoomLive"/>);
    /// then, with <paramref name="catchUp"/>, until the messages after <paramref name="mark"/> are fetched and sent — fetched only
    /// then, so every message is either in the fetch or reaches the node live. Without, the socket starts live at that point.
    /// </summary>
    private void TrackRoom(RoomId room, long mark, bool catchUp)
    {
        if (_rooms.ContainsKey(room)) return;
        _rooms[room] = new RoomCursor { Delivered = mark, Mark = new WrittenMark(mark), CatchingUp = true, FetchWhenLive = catchUp };
        Fanout.Tell(new RoomFanoutCommands.SubscribeRoom(room, Self));
    }

    private void HandleRoomLive(RoomFanoutCommands.RoomLive live)
    {
        // Told again when a restarted room re-learns the node: until it had, it published to every node, so nothing was missed.
        if (!_rooms.TryGetValue(live.RoomId, out var cursor) || cursor.Live) return;
        cursor.Live = true;
        if (cursor.FetchWhenLive)
        {
            // The 1:1 backlog comes first, as a seed client has always been sent it; live room frames wait in the buffer.
            if (_roomsAfterBacklog is { } waiting) waiting.Add(live.RoomId);
            else FetchRoom(live.RoomId, cursor);
            return;
        }
        cursor.Delivered = Math.Max(cursor.Delivered, live.Head);
        FinishCatchUp(live.RoomId);
    }

    private void FetchRoom(RoomId room, RoomCursor cursor)
    {
        // Asked, not told: a refusal (the room is gone, the user left it) does not name the room.
        Topology.Rooms.Ask<object>(new RoomCommands.FetchRoomMessages(room, User, cursor.Delivered, RoomCatchUpLimit), CatchUpTimeout)
            .PipeTo(Self, success: reply => reply as RoomReplies.RoomMessages ?? (object)new CatchUpRefused(room), failure: _ => new CatchUpRefused(room));
    }

    private void HandleRoomFrame(RoomFrame frame)
    {
        var room = frame.Message.RoomId;
        if (!_rooms.TryGetValue(room, out var cursor)) return;
        if (cursor.CatchingUp)
        {
            if (cursor.Buffered.Count < MaxBufferedPerRoom) cursor.Buffered.Add(frame);
            return;
        }
        DeliverRoomFrame(cursor, frame);
    }

    private void HandleCatchUp(RoomReplies.RoomMessages page)
    {
        if (!_rooms.TryGetValue(page.RoomId, out var cursor)) return;
        foreach (var message in page.Messages)
        {
            if (message.Seq <= cursor.Delivered) continue;
            if (cursor.OwnSends.Contains(message.Seq) || cursor.Recalled.Contains(message.Seq)) DeliverRoomMessage(cursor, message.Seq, frame: null);
            else DeliverRoomMessage(cursor, message.Seq, Seed000Frames.EncodeRoom(message));
        }
        FinishCatchUp(page.RoomId);
    }

    private void FinishCatchUp(RoomId room)
    {
        if (!_rooms.TryGetValue(room, out var cursor) || !cursor.CatchingUp) return;
        cursor.CatchingUp = false;
        foreach (var frame in cursor.Buffered) DeliverRoomFrame(cursor, frame);
        cursor.Buffered.Clear();
        cursor.OwnSends.Clear();
        cursor.Recalled.Clear();
    }

    /// <summary>
    /// A room message was recalled. A seed-000 client cannot be told, so a message this socket holds back while its room
    /// catches up, or that the catch-up page (read before the recall) still carries, is never sent. What was queued on the
    /// socket before the recall stays: it was delivered live, as to any socket that was open.
    /// </summary>
    private void ForgetRecalled(RoomRecallPublished recall)
    {
        if (!_rooms.TryGetValue(recall.RoomId, out var cursor) || !cursor.CatchingUp) return;
        cursor.Recalled.Add(recall.Seq);
        cursor.Buffered.RemoveAll(f => f.Message.Seq == recall.Seq);
    }

    private void DeliverRoomFrame(RoomCursor cursor, RoomFrame frame)
    {
        if (frame.Message.Seq <= cursor.Delivered) return;
        DeliverRoomMessage(cursor, frame.Message.Seq, Self.Equals(frame.Origin) ? null : frame.Seed000);
    }

    /// <summary>Sends a room message (or, for our own, nothing: the client shows it already) and notes which frame carries it.</summary>
    private void DeliverRoomMessage(RoomCursor cursor, long seq, byte[]? frame)
    {
        cursor.Delivered = seq;
        if (frame is not null)
        {
            ChatMetrics.MessageDelivered(ChatMeter.Room);
            Send(frame);
        }
        cursor.Mark.Note(Session.Enqueued, seq, Session.Written);
    }

    private void DeliverDirect(long seq, OutboundFrame? frame)
    {
        if (frame is { } push)
        {
            ChatMetrics.MessageDelivered(ChatMeter.Direct);
            Send(push);
        }
        _inbox.Note(Session.Enqueued, seq, Session.Written);
    }

    private sealed class RoomCursor
    {
        public long Delivered { get; set; }

        public required WrittenMark Mark { get; init; }
        public bool CatchingUp { get; set; }
        public bool FetchWhenLive { get; init; }
        public bool Live { get; set; }
        public List<RoomFrame> Buffered { get; } = [];
        public HashSet<long> OwnSends { get; } = [];
        public HashSet<long> Recalled { get; } = [];
    }

    /// <summary>
    /// The last sequence number of a stream that this socket has actually written, given the frame number that carried each
    /// (messages the client shows by itself, with no frame, count once the frames before them are written). Stays as short
    /// as the socket's queue.
    /// </summary>
    private sealed class WrittenMark(long written)
    {
        private readonly Queue<(long Frame, long Seq)> _inFlight = new();
        private long _written = written;

        public void Note(long frame, long seq, long framesWritten)
        {
            WrittenThrough(framesWritten);
            _inFlight.Enqueue((frame, seq));
        }

        public long WrittenThrough(long framesWritten)
        {
            while (_inFlight.Count > 0 && _inFlight.Peek().Frame <= framesWritten) _written = _inFlight.Dequeue().Seq;
            return _written;
        }
    }

    /// <summary>A room refused (or did not answer) a catch-up fetch: the room starts live without it.</summary>
    private sealed record CatchUpRefused(RoomId RoomId) : INoSerializationVerificationNeeded;
}
