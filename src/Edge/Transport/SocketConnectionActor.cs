namespace AkkaChat.Edge.Transport;

using System.Net.WebSockets;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>
/// What a socket's actor does whatever protocol it speaks: register with its user entity (again, should the
/// entity move), queue frames on the socket, spend the socket's and the user's rate budget, and end cleanly —
/// on a closed socket or a node shutdown it hands its delivery marks to the user entity, which acknowledges
/// once they are stored.
/// </summary>
/// <remarks>
/// Connection actors are untyped (a switch per behavior) rather than <see cref="ReceiveActor"/>s: a node holds one
/// per socket, and a receive actor builds its own handler delegates per instance, about 1.5 KB per idle socket.
/// </remarks>
public abstract class SocketConnectionActor : UntypedActor, IWithTimers
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a socket whose entity stopped waits for the entity's answer before it asks again: the region may still
    /// send the first request to the node the entity left (its removal not yet seen there), and the socket's 1:1 sends
    /// wait for the answer (<see cref="SendDirect"/>).
    /// </summary>
    private static readonly TimeSpan ReconnectRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AckRetry = TimeSpan.FromMilliseconds(20);

    private readonly RateLimiter _limiter;
    private IMaterializer? _materializer;
    private IActorRef? _entity;
    private IActorRef? _disconnectAck;
    private Dictionary<string, (long Order, UserCommands.SendDirect Send)>? _unansweredDirect; // by cid; made on the first 1:1 send
    private long _directSends;
    private (WebSocketCloseStatus Status, string Reason)? _closeWith; // the close PostStop makes: a reason of this actor's, or a shutdown's

    protected SocketConnectionActor(UserId user, SocketSession session, IChatTopology topology, IActorRef fanout, SocketLimits limits)
    {
        User = user;
        Session = session;
        Topology = topology;
        Fanout = fanout;
        Limits = limits;
        _limiter = limits.NewRateLimiter();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Runs this socket's streams (journal reads, history), stopped with the actor; made on first use.</summary>
    protected IMaterializer Materializer => _materializer ??= ActorMaterializer.Create(Context);

    protected UserId User { get; }
    protected SocketSession Session { get; }
    protected IChatTopology Topology { get; }
    protected IActorRef Fanout { get; }
    protected SocketLimits Limits { get; }

    /// <summary>Seed-000 sockets read what the user missed from where their entity says; v2 sockets resume from their own cursors.</summary>
    protected abstract bool ReplayUndelivered { get; }

    /// <summary>The last room sequence numbers this socket delivered, handed to the user entity when it ends.</summary>
    protected abstract IReadOnlyDictionary<RoomId, long> RoomMarks();

    /// <summary>The last inbox sequence number this socket wrote, which moves the delivery cursor (seed-000 sockets; 0 otherwise).</summary>
    protected virtual long DeliveredThrough() => 0;

    /// <summary>
    /// The device this socket signed as, for protocols that name one (seed-003's <c>device_id</c>; 0 for the others): the
    /// user entity keeps one socket per device, on every node, and tells the one signed earlier to close
    /// (<see cref="ConnectionPushes.SignedInElsewhere"/>).
    /// </summary>
    protected virtual long Device => 0;

    /// <summary>When this socket signed as <see cref="Device"/>: of two sockets of one device, the entity keeps the later signed.</summary>
    protected virtual DateTimeOffset SignedAt => default;

    protected override void PreStart()
    {
        Fanout.Tell(new RoomFanoutCommands.SubscribeUser(User, Self));
        RegisterWithUser();
    }

    /// <remarks>
    /// The socket is closed only after the user entity is told the socket is gone: a client that reconnects as soon as it
    /// reads the close (as a seed-000 client does after a 1011) reaches the entity behind the <c>Disconnect</c>, through the
    /// same region, so its new socket is the user's first again and is sent the backlog. Closed before, the new socket could
    /// register while this one still counted, start as a second device at the inbox head, and never be sent what this one
    /// failed to deliver.
    /// </remarks>
    protected override void PostStop()
    {
        Session.MarkConnectionStopped();
        Fanout.Tell(new RoomFanoutCommands.UnsubscribeAll(Self));
        Topology.Users.Tell(new UserCommands.Disconnect(User, Self, RoomMarks(), _disconnectAck, DeliveredThrough()));
        var (status, reason) = _closeWith ?? (WebSocketCloseStatus.NormalClosure, "bye");
        Session.Close(status, reason);
    }

    /// <summary>
    /// Handles the endings (socket closed, node stopping, sessions revoked), re-registration after the user entity moved and
    /// the acknowledgements a journal read (<see cref="ReadJournal"/>) waits for before its first element; every
    /// behavior passes what it does not handle itself here. False when <paramref name="message"/> is none of these.
    /// </summary>
    protected bool HandleLifecycle(object message)
    {
        switch (message)
        {
            case Terminated t:
                if (t.ActorRef.Equals(_entity))
                {
                    _entity = null;
                    Timers.StartSingleTimer("reconnect", Reconnect.Instance, ReconnectDelay);
                }
                return true;
            case Reconnect:
                if (_entity is not null) return true; // registered meanwhile
                RegisterWithUser();
                Timers.StartSingleTimer("reconnect", Reconnect.Instance, ReconnectRetry); // until the entity answers
                return true;
            case SocketClosed c:
                End(c.AckTo, goingAway: false);
                return true;
            case ServerShutdown s:
                End(s.AckTo, goingAway: true);
                return true;
            case ConnectionPushes.SessionRevoked:
                CloseAndStop(WebSocketCloseStatus.PolicyViolation, "the session ended (logout or password change): log in again");
                return true;
            case OperatorKick kick:
                CloseAndStop(WebSocketCloseStatus.PolicyViolation, kick.Reason);
                return true;
            case CatchUpStarted:
                AckWhenRoom(Sender); // a journal read (ReadJournal) asks for its first element
                return true;
            case RetryAck r:
                AckWhenRoom(r.Stage);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The user entity answered <see cref="UserCommands.Connect"/>: watch it, to register again if it moves, and tell it,
    /// oldest first, the 1:1 sends it has not answered (<see cref="SendDirect"/>).
    /// </summary>
    protected void WatchEntity(IActorRef entity)
    {
        _entity = entity;
        Context.Watch(entity);
        Timers.Cancel("reconnect");
        if (_unansweredDirect is not { Count: > 0 } unanswered) return;
        foreach (var (_, send) in unanswered.Values.OrderBy(s => s.Order)) entity.Tell(send);
    }

    /// <summary>
    /// A cid of the connection's making, for protocols whose frames carry none: unique (a random UUID), so the user's
    /// (sender, cid) windows tell a resend from a new message; <paramref name="prefix"/> names the protocol.
    /// </summary>
    protected static string ConnectionCid(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>1:1 sends told to the user entity (<see cref="SendDirect"/>) that it has not answered yet.</summary>
    protected int UnansweredDirect => _unansweredDirect?.Count ?? 0;

    protected bool IsUnansweredDirect(string cid) => _unansweredDirect?.ContainsKey(cid) == true;

    /// <summary>
    /// Tells the user entity a 1:1 send and keeps it, by its cid, until the entity answers it (<see cref="DirectAnswered"/>).
    /// Told to the entity directly, never through the region: while the entity is away (before it registered this socket,
    /// and from its stop until it registers the socket again) the send waits here, and <see cref="WatchEntity"/> tells the
    /// entity that registers the socket every send it has not answered, in the order the socket sent them. One told to an
    /// entity that was stopping is lost, and one it was confirming gets no answer; the cid makes the second telling
    /// idempotent, and holding the sends made meanwhile keeps them behind it, so they are stored in the order sent.
    /// </summary>
    protected void SendDirect(UserCommands.SendDirect send)
    {
        (_unansweredDirect ??= new(StringComparer.Ordinal))[send.Cid] = (++_directSends, send);
        _entity?.Tell(send);
    }

    /// <summary>The entity answered the send with <paramref name="cid"/> (stored, or refused).</summary>
    protected void DirectAnswered(string cid) => _unansweredDirect?.Remove(cid);

    /// <summary>
    /// Streams a journal read into this actor: each element (its sender the stage, to be acknowledged with
    /// <see cref="AckWhenRoom"/> before the next comes; the first is asked for in <see cref="HandleLifecycle"/>), then <see cref="CatchUpDone"/> or
    /// <see cref="CatchUpFailed"/>. One element at a time, so a long backlog is never held in memory.
    /// </summary>
    protected void ReadJournal<T>(Source<T, NotUsed> read, string stream, RoomId? room) where T : class =>
        read.Select(m => (object)m).RunWith(
            Sink.ActorRefWithAck<object>(Self, new CatchUpStarted(stream), CatchUpAck.Instance, new CatchUpDone(stream, room), e => new CatchUpFailed(stream, e)),
            Materializer);

    /// <summary>Acknowledges a journal read stage only while the socket's queue is at most half full: backpressure to the database.</summary>
    protected void AckWhenRoom(IActorRef stage)
    {
        if (Session.Queued <= Session.Capacity / 2) stage.Tell(CatchUpAck.Instance);
        else Timers.StartSingleTimer(("ack", stage), new RetryAck(stage), AckRetry);
    }

    /// <summary>One frame's worth of the socket's budget and of its user's budget on this node.</summary>
    protected bool TryTakeToken() => _limiter.TryTake() && Limits.PerUser.TryTake(User.Value);

    /// <summary>
    /// Queues <paramref name="frame"/> on the socket (a pooled one is the session's from here on); a full queue closes the
    /// socket as a slow consumer. A frame made after this actor decided to close is dropped (a pooled one to the collector).
    /// </summary>
    protected void Send(OutboundFrame frame)
    {
        if (_closeWith is not null) return; // stopping with a close of its own: nothing is queued after it, as once it is made
        if (Session.TryEnqueue(frame, closeWhenFull: false)) return;
        if (Session.Overflowed)
        {
            // Closed like every close of ours, in PostStop after the user entity is told the socket is gone: a client
            // that reconnects the moment it reads the 1008 must not find this socket still counted.
            Context.GetLogger().Warning("user {0}: slow consumer, the socket's queue of {1} frames is full; closing it with 1008", User, Session.Capacity);
            CloseAndStop(WebSocketCloseStatus.PolicyViolation, SocketSession.SlowConsumer);
            return;
        }
        Context.Stop(Self);
    }

    /// <summary>The token's user does not exist: the upgrade is refused if still unanswered, else the socket is closed (1008).</summary>
    protected void RefuseUnknownUser()
    {
        Session.MarkRegistered(SocketRegistration.UnknownUser);
        CloseAndStop(WebSocketCloseStatus.PolicyViolation, "unknown user");
    }

    /// <summary>Stops this actor and closes the socket with <paramref name="status"/> once the user entity is told (<see cref="PostStop"/>).</summary>
    protected void CloseAndStop(WebSocketCloseStatus status, string reason)
    {
        _closeWith ??= (status, reason);
        Context.Stop(Self);
    }

    private void RegisterWithUser() => Topology.Users.Tell(new UserCommands.Connect(User, Self, ReplayUndelivered, Device, SignedAt));

    private void End(IActorRef ackTo, bool goingAway)
    {
        _disconnectAck = ackTo;
        if (goingAway) _closeWith ??= (WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
        Context.Stop(Self);
    }

    private sealed class Reconnect
    {
        public static readonly Reconnect Instance = new();
    }

    /// <summary>A journal read of <paramref name="Stream"/> started (<see cref="ReadJournal"/>); acknowledged here for its first element.</summary>
    private sealed record CatchUpStarted(string Stream) : INoSerializationVerificationNeeded;

    /// <summary>A journal read of <paramref name="Stream"/> reached the journal's end.</summary>
    protected sealed record CatchUpDone(string Stream, RoomId? Room) : INoSerializationVerificationNeeded;

    /// <summary>A journal read of <paramref name="Stream"/> failed: nothing after the last element delivered was read.</summary>
    protected sealed record CatchUpFailed(string Stream, Exception Cause) : INoSerializationVerificationNeeded;

    /// <summary>The socket's queue was too full to take more of a read: try acknowledging <paramref name="Stage"/> again.</summary>
    private sealed record RetryAck(IActorRef Stage) : INoSerializationVerificationNeeded;

    private sealed class CatchUpAck
    {
        public static readonly CatchUpAck Instance = new();
    }
}

/// <summary>An operator closes the socket (akkachat-ctl <c>connections kick</c>): 1008 with <paramref name="Reason"/>; sent by this node's socket directory actor.</summary>
public sealed record OperatorKick(string Reason) : INoSerializationVerificationNeeded
{
    public const string DefaultReason = "kicked by an operator";
}

/// <summary>A text frame read from the socket.</summary>
public sealed record InboundText(byte[] Utf8) : INoSerializationVerificationNeeded;

/// <summary>
/// The node is stopping: close the socket (1001) and record what it delivered, then acknowledge to <paramref name="AckTo"/>
/// (the user entity answers there once the marks are stored).
/// </summary>
public sealed record ServerShutdown(IActorRef AckTo) : INoSerializationVerificationNeeded;

/// <summary>
/// The socket is gone (closed by either side, or failed). The user entity answers <paramref name="AckTo"/> once what the
/// socket delivered is stored, so a shutdown that follows can wait for it.
/// </summary>
public sealed record SocketClosed(IActorRef AckTo) : INoSerializationVerificationNeeded;
