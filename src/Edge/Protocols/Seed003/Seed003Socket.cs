namespace AkkaChat.Edge.Protocols.Seed003;

using System.Net.WebSockets;
using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Operations;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Transport;

/// <summary>
/// One seed-003 connection's protocol side, from its first frame. Until a <c>sign</c> succeeds it answers here, in order,
/// with no actor: bytes that are not an <see cref="Input"/> get <c>{error, 2}</c>, any other request <c>{type, 1}</c>; a
/// refused sign gets <c>{sign, 1, reason}</c> and the connection closes (1008). A good sign answers nothing (the seed's
/// page has no handler for it) and starts the connection's <see cref="Seed003Connection"/>, which registers with the
/// user's entity with its device and sign time (the entity closes the same device's earlier-signed connection, on any
/// node); every later frame goes to that actor.
/// </summary>
public sealed class Seed003Socket : IInboundFrames
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(5);

    private readonly Seed003Sockets _sockets;
    private readonly SocketSession _session;
    private readonly string _remote;
    private readonly string _transport;
    private Timer? _idle; // before the sign only: the actor keeps its own clock afterwards
    private long _lastFrameMs = Environment.TickCount64;
    private IActorRef? _connection;
    private UserId _user;
    private int _closed;
    private bool _refused; // a sign was refused: the connection is closing, nothing more is read from it

    internal Seed003Socket(Seed003Sockets sockets, SocketSession session, string remote, string transport)
    {
        _sockets = sockets;
        _session = session;
        _remote = remote;
        _transport = transport;
        var check = IdleCheck < sockets.IdleLimit ? IdleCheck : sockets.IdleLimit / 2;
        _idle = new Timer(static s => ((Seed003Socket)s!).CheckIdle(), this, check, check);
    }

    /// <summary>One inbound frame (an Input's bytes); called in order, one call at a time, by the transport's read side.</summary>
    public async ValueTask OnFrameAsync(byte[] frame)
    {
        if (_connection is { } connection)
        {
            connection.Tell(new Seed003Inbound(frame));
            return;
        }
        if (_refused) return;
        Volatile.Write(ref _lastFrameMs, Environment.TickCount64);
        if (!Seed003Frames.TryParseInput(frame, out var input, out var error))
        {
            _session.TryEnqueue(Seed003Frames.Refusal(Seed003Types.Error, Seed003Codes.Refused, error));
            return;
        }
        if (input.Type != Seed003Types.Sign)
        {
            _session.TryEnqueue(Seed003Frames.Refusal(input.Type, Seed003Codes.NotAuthenticated, "sign first"));
            return;
        }
        await SignAsync(input);
    }

    /// <summary>The transport's read side ended (client gone, or the session closed it): the connection ends and hands its marks over.</summary>
    public void OnClosed()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1) return;
        Interlocked.Exchange(ref _idle, null)?.Dispose();
        _sockets.Forget(this);
        if (_connection is not { } connection) return;
        ChatMetrics.Seed003Closed();
        _sockets.UserRates.Close(_user.Value);
        _sockets.Directory.Closed(connection, alreadyStopped: _session.ConnectionStopped);
    }

    private async Task SignAsync(Input input)
    {
        if (input.Auth.Count == 0 || input.Auth[0] is not { } auth)
        {
            Refuse("sign needs auth[0] with user_id, device_id and token");
            return;
        }
        if (auth.DeviceId <= 0)
        {
            Refuse("device_id must be positive");
            return;
        }
        UserId? user;
        try
        {
            user = await _sockets.Sessions.AuthenticateAsync(auth.Token, _remote);
        }
        catch (AskTimeoutException)
        {
            ChatMetrics.AskTimedOut();
            Refuse("the server is busy, sign again");
            return;
        }
        if (user is null)
        {
            Refuse("invalid or expired token");
            return;
        }
        if (user.Value.Value != auth.UserId)
        {
            _sockets.Logger.LogInformation("Refused a seed-003 sign from {Address}: the token is user {User}'s, not that of user_id {Id}", _remote, user.Value.Value, auth.UserId);
            Refuse("the token is not user_id's");
            return;
        }
        if (Volatile.Read(ref _closed) == 1 || _session.Closing.IsCancellationRequested) return; // gone while the token was checked
        Start(user.Value, auth.DeviceId);
    }

    private void Start(UserId user, long device)
    {
        Interlocked.Exchange(ref _idle, null)?.Dispose();
        _sockets.Forget(this);
        _user = user;
        var signedAt = DateTimeOffset.UtcNow;
        var connection = _sockets.System.ActorOf(Seed003Connection.Props(user, device, signedAt, _session, _sockets));
        _connection = connection;
        ChatMetrics.Seed003Sign(accepted: true);
        ChatMetrics.Seed003Opened();
        _sockets.UserRates.Open(user.Value);
        _sockets.Directory.Add(connection, new SocketSummary(user, ChatMetrics.Seed003, _remote, signedAt), _session);
        if (_sockets.Logger.IsEnabled(LogLevel.Debug))
            _sockets.Logger.LogDebug("Seed-003 connection signed: user {User}, device {Device}, over {Transport} from {Address}", user.Value, device, _transport, _remote);
    }

    private void Refuse(string reason)
    {
        _refused = true;
        ChatMetrics.Seed003Sign(accepted: false);
        _session.TryEnqueue(Seed003Frames.Refusal(Seed003Types.Sign, Seed003Codes.NotAuthenticated, reason));
        _session.CloseAfterQueued(WebSocketCloseStatus.PolicyViolation, reason);
    }

    /// <summary>The node is stopping: a connection that has not signed is closed (1001) like every signed one.</summary>
    internal void CloseForShutdown() => _session.Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");

    private void CheckIdle()
    {
        if (_connection is not null || Volatile.Read(ref _closed) == 1) return;
        var silentMs = Environment.TickCount64 - Volatile.Read(ref _lastFrameMs);
        if (silentMs < _sockets.IdleLimit.TotalMilliseconds) return;
        Interlocked.Exchange(ref _idle, null)?.Dispose();
        _session.Close(WebSocketCloseStatus.PolicyViolation, $"idle: no frame for {(int)_sockets.IdleLimit.TotalSeconds} s");
    }
}

/// <summary>An inbound frame of a signed seed-003 connection, for its actor to decode.</summary>
public sealed record Seed003Inbound(byte[] Frame) : INoSerializationVerificationNeeded;
