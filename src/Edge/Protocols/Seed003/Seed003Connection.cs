namespace AkkaChat.Edge.Protocols.Seed003;

using System.Net.WebSockets;
using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Transport;
using static AkkaChat.Core.Users.ConnectionPushes;

/// <summary>
/// One per signed seed-003 connection (<c>/ws</c> or TCP), started by <see cref="Seed003Socket"/>. Requests become commands
/// for the user and room entities; their answers and pushes go out as <see cref="Output"/>s. The connection that sent a
/// message gets the <c>sendmessage</c> reply, never the message itself; the user's other connections and the recipients
/// get <c>{message, 200, item}</c>. Items name their sender (<see cref="Seed003Profiles"/>): an item waiting for a
/// profile holds back the frames after it, so the connection sends in the order things happened. Requests wait until
/// the user entity has registered the connection and this node receives the user's rooms (bounded by
/// <see cref="LiveWait"/>): from the first reply on, every message stored for the user reaches the connection.
/// </summary>
public sealed partial class Seed003Connection : SocketConnectionActor, IWithUnboundedStash
{
    /// <summary>How long requests wait for the user's rooms to reach this node before they are handled anyway.</summary>
    public static readonly TimeSpan LiveWait = TimeSpan.FromSeconds(5);

    private readonly Seed003Sockets _sockets;
    private readonly HashSet<RoomId> _memberRooms = [];
    private readonly HashSet<RoomId> _notLiveYet = []; // while registering: rooms whose messages do not reach this node yet
    private bool _registered;
    private readonly Queue<Outbound> _held = new(); // frames behind an item whose sender's profile is loading
    private readonly HashSet<long> _loadingProfiles = [];
    private readonly Dictionary<long, PublicProfile?> _loadedProfiles = []; // answers not cached (a time-out), for the frames held
    private long _lastInbound = Environment.TickCount64;
    private long _replyTags;

    public Seed003Connection(UserId user, long device, DateTimeOffset signedAt, SocketSession session, Seed003Sockets sockets)
        : base(user, session, sockets.Topology, sockets.Fanout, sockets.Limits)
    {
        Device = device;
        SignedAt = signedAt;
        _sockets = sockets;
    }

    public IStash Stash { get; set; } = null!;

    /// <param name="signedAt">When the sign was accepted: of two connections of one device, the later signed stays.</param>
    public static Props Props(UserId user, long device, DateTimeOffset signedAt, SocketSession session, Seed003Sockets sockets) =>
        Akka.Actor.Props.Create(() => new Seed003Connection(user, device, signedAt, session, sockets)).WithMailbox(SocketMailbox.Id);

    protected override bool ReplayUndelivered => false;

    protected override long Device { get; }

    protected override DateTimeOffset SignedAt { get; }

    protected override IReadOnlyDictionary<RoomId, long> RoomMarks() => new Dictionary<RoomId, long>();

    protected override void PreStart()
    {
        base.PreStart();
        var check = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, _sockets.IdleLimit.Ticks / 2));
        Timers.StartPeriodicTimer("idle", CheckIdle.Instance, check);
    }

    /// <summary>
    /// Until the user entity answers and the user's rooms are live on this node: frames wait in the stash (the read side
    /// is bounded by the frame size; the wait by <see cref="LiveWait"/>).
    /// </summary>
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case UserReplies.Connected connected:
                _registered = true;
                Session.MarkRegistered(SocketRegistration.Registered);
                _notLiveYet.UnionWith(connected.Rooms.Where(r => !_memberRooms.Contains(r)));
                OnConnected(connected);
                Timers.StartSingleTimer("live", GoLive.Instance, LiveWait);
                StartWhenLive();
                break;
            case RoomFanoutCommands.RoomLive live:
                _notLiveYet.Remove(live.RoomId);
                StartWhenLive();
                break;
            case GoLive:
                _notLiveYet.Clear();
                StartWhenLive();
                break;
            case RoomMembershipAdded m:
                if (_memberRooms.Add(m.RoomId)) Fanout.Tell(new RoomFanoutCommands.SubscribeRoom(m.RoomId, Self));
                break;
            case RoomMembershipRemoved m:
                _notLiveYet.Remove(m.RoomId);
                if (_memberRooms.Remove(m.RoomId)) Fanout.Tell(new RoomFanoutCommands.UnsubscribeRoom(m.RoomId, Self));
                StartWhenLive();
                break;
            case AkkaChat.Core.Refused { Code: AkkaChat.Core.RefusalCodes.NotFound }:
                RefuseUnknownUser();
                break;
            case CheckIdle:
                CheckSilence();
                break;
            case SignedInElsewhere:
                SignedInAgain();
                break;
            default:
                if (!HandleLifecycle(message)) Stash.Stash();
                break;
        }
    }

    private void Running(object message)
    {
        switch (message)
        {
            case Seed003Inbound inbound:
                HandleInbound(inbound.Frame);
                break;
            case UserReplies.Connected connected:
                OnConnected(connected);
                break;

            case PushDirect p:
                ChatMetrics.MessageDelivered(ChatMeter.Direct);
                EmitFor(p.Message.SenderId, profile => Seed003Frames.Ok(Seed003Types.Message, Seed003Frames.DirectItem(User, p.Message, recalled: false, profile)));
                break;
            case DirectAccepted a:
                DirectAnswered(a.Message.Cid);
                EmitFor(User, profile => Seed003Frames.Ok(Seed003Types.SendMessage, Seed003Frames.DirectItem(User, a.Message, recalled: false, profile)));
                break;
            case RoomAccepted a:
                EmitFor(User, profile => Seed003Frames.Ok(Seed003Types.SendMessage, Seed003Frames.RoomItem(a.Message, recalled: false, profile)));
                // Sending in a conversation reads it (the user entity does so itself for 1:1).
                Topology.Users.Tell(new ConversationCommands.MarkRead(User, ConversationId.In(a.Message.RoomId), a.Message.Seq, ActorRefs.Nobody));
                break;
            case ChatRefused r:
                DirectAnswered(r.Cid);
                Emit(Seed003Frames.Refusal(Seed003Types.SendMessage, Seed003Codes.Refused, r.Reason));
                break;
            case RoomFrame frame:
                if (Self.Equals(frame.Origin) || !_memberRooms.Contains(frame.Message.RoomId)) break; // the sender gets its reply instead
                ChatMetrics.MessageDelivered(ChatMeter.Room);
                EmitFor(frame.Message.SenderId, frame.Seed003);
                break;
            case RoomMembershipAdded m:
                if (_memberRooms.Add(m.RoomId)) Fanout.Tell(new RoomFanoutCommands.SubscribeRoom(m.RoomId, Self));
                break;
            case RoomMembershipRemoved m:
                if (_memberRooms.Remove(m.RoomId)) Fanout.Tell(new RoomFanoutCommands.UnsubscribeRoom(m.RoomId, Self));
                break;
            case ProfileLoaded loaded:
                OnProfileLoaded(loaded);
                break;

            case ConversationReplies.ConversationRefused r:
                // Only messageread's MarkRead names this actor as its origin; sync's and sending's name nobody.
                Emit(Seed003Frames.Refusal(Seed003Types.MessageRead, Seed003Codes.Refused, r.Reason));
                break;
            case QueryAnswered a:
                Emit(a.Frame);
                break;
            case QueryFailed f:
                Emit(Seed003Frames.Refusal(f.Type, Seed003Codes.Refused, f.Reason));
                break;
            case RoomReadChecked c:
                OnRoomReadChecked(c);
                break;
            case InboxMessageFound f:
                OnInboxMessageFound(f);
                break;

            case CheckIdle:
                CheckSilence();
                break;
            case SignedInElsewhere:
                SignedInAgain();
                break;
            default:
                // Read markers, flags, receipts, typing, presence and recalls have no seed-003 frame; the room's readiness
                // (RoomLive) matters to cursors, which this protocol does not keep (sync reads the journal).
                HandleLifecycle(message);
                break;
        }
    }

    private void StartWhenLive()
    {
        if (!_registered || _notLiveYet.Count > 0) return;
        Timers.Cancel("live");
        Become(Running);
        Stash.UnstashAll();
    }

    private void OnConnected(UserReplies.Connected connected)
    {
        WatchEntity(Sender);
        foreach (var room in connected.Rooms)
        {
            if (_memberRooms.Add(room)) Fanout.Tell(new RoomFanoutCommands.SubscribeRoom(room, Self));
        }
    }

    // ---- inbound ----

    private void HandleInbound(byte[] frame)
    {
        _lastInbound = Environment.TickCount64;
        if (!Seed003Frames.TryParseInput(frame, out var input, out var error))
        {
            Emit(Seed003Frames.Refusal(Seed003Types.Error, Seed003Codes.Refused, error));
            return;
        }
        switch (input.Type)
        {
            case Seed003Types.Sign:
                return; // signed already: ignored, no reply
            case Seed003Types.Heartbeat:
                Emit(Seed003Frames.Ok(Seed003Types.Heartbeat)); // free, like v2's ping
                return;
        }
        if (!TryTakeToken())
        {
            ChatMetrics.RateLimitHit("socket");
            Emit(Seed003Frames.Refusal(input.Type, Seed003Codes.Refused, "rate-limited: too many requests, slow down"));
            return;
        }
        switch (input.Type)
        {
            case Seed003Types.SendMessage:
                HandleSend(input);
                break;
            case Seed003Types.Sync:
                Sync(input);
                break;
            case Seed003Types.ConversationList:
                Conversations(input);
                break;
            case Seed003Types.MessageRead:
                MessageRead(input);
                break;
            default:
                Emit(Seed003Frames.Refusal(input.Type, Seed003Codes.Refused,
                    "unknown type (sign, heartbeat, sendmessage, sync, getconversationlist, messageread)"));
                break;
        }
    }

    private void HandleSend(Input input)
    {
        if (!Seed003Frames.TryParse(input.Data, SendMessage.Parser, out var send, out var error))
        {
            Refuse(Seed003Types.SendMessage, error);
            return;
        }
        if (send.ReceiverType is not (Seed003Frames.ReceiverUser or Seed003Frames.ReceiverGroup))
        {
            Refuse(Seed003Types.SendMessage, "receiver_type must be 1 (user) or 2 (group)");
            return;
        }
        if (send.ReceiverId <= 0)
        {
            Refuse(Seed003Types.SendMessage, "receiver_id must be positive");
            return;
        }
        if (!Seed003Bodies.TryToPayload(send, out var payload, out error))
        {
            Refuse(Seed003Types.SendMessage, error);
            return;
        }
        // Every send carries a cid of the connection's making: a resend after the entity moved is then idempotent.
        var cid = ConnectionCid("s3-");
        var tag = ++_replyTags;
        if (send.ReceiverType == Seed003Frames.ReceiverUser)
        {
            if (UnansweredDirect >= Session.Capacity)
            {
                Refuse(Seed003Types.SendMessage, "too many messages are waiting for their reply; wait for some");
                return;
            }
            ChatMetrics.MessageReceived(ChatMeter.Direct);
            SendDirect(new UserCommands.SendDirect(User, new UserId(send.ReceiverId), payload, tag, Self, cid));
            return;
        }
        ChatMetrics.MessageReceived(ChatMeter.Room);
        Topology.Rooms.Tell(new RoomCommands.SendRoomMessage(new RoomId(send.ReceiverId), User, payload, tag, Self, cid));
    }

    // ---- outbound, in order ----

    private void Refuse(string type, string reason) => Emit(Seed003Frames.Refusal(type, Seed003Codes.Refused, reason));

    /// <summary>Sends a frame now, or behind the frames held for a profile.</summary>
    private void Emit(byte[] frame)
    {
        if (_held.Count == 0) Send(frame);
        else Hold(new Outbound(frame, default, null));
    }

    /// <summary>Sends an item naming <paramref name="sender"/> once the sender's profile is known; later frames wait behind it.</summary>
    private void EmitFor(UserId sender, Func<PublicProfile?, byte[]> encode)
    {
        if (_held.Count == 0 && _sockets.Profiles.TryGet(sender, out var profile))
        {
            Send(encode(profile));
            return;
        }
        Hold(new Outbound(null, sender, encode));
        Drain();
    }

    private void Hold(Outbound outbound)
    {
        if (_held.Count >= Session.Capacity)
        {
            // As full as the socket's own queue: the connection is as good as a slow consumer.
            CloseAndStop(WebSocketCloseStatus.PolicyViolation, "slow consumer: outbound queue full");
            return;
        }
        _held.Enqueue(outbound);
    }

    private void Drain()
    {
        while (_held.TryPeek(out var next))
        {
            if (next.Frame is { } frame) Send(frame);
            else if (_loadedProfiles.TryGetValue(next.Sender.Value, out var loaded) || _sockets.Profiles.TryGet(next.Sender, out loaded)) Send(next.Encode!(loaded));
            else
            {
                if (_loadingProfiles.Add(next.Sender.Value))
                {
                    var sender = next.Sender;
                    _sockets.Profiles.GetAsync(sender).PipeTo(Self, success: p => new ProfileLoaded(sender, p), failure: _ => new ProfileLoaded(sender, null));
                }
                return;
            }
            _held.Dequeue();
        }
    }

    private void OnProfileLoaded(ProfileLoaded loaded)
    {
        _loadingProfiles.Remove(loaded.User.Value);
        _loadedProfiles[loaded.User.Value] = loaded.Profile;
        Drain();
        _loadedProfiles.Clear();
    }

    // ---- endings ----

    private void CheckSilence()
    {
        var silentFor = TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastInbound);
        if (silentFor >= _sockets.IdleLimit) CloseAndStop(WebSocketCloseStatus.PolicyViolation, $"idle: no frame for {(int)_sockets.IdleLimit.TotalSeconds} s");
    }

    /// <summary>The user entity saw the same device sign later on another connection, of this node or another: this one closes.</summary>
    private void SignedInAgain() =>
        CloseAndStop(WebSocketCloseStatus.PolicyViolation, "signed in again from another connection of the same device");

    private readonly record struct Outbound(byte[]? Frame, UserId Sender, Func<PublicProfile?, byte[]>? Encode);

    private sealed record ProfileLoaded(UserId User, PublicProfile? Profile);

    private sealed class GoLive
    {
        public static readonly GoLive Instance = new();
    }

    private sealed class CheckIdle
    {
        public static readonly CheckIdle Instance = new();
    }
}
