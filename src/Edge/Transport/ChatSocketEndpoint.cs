namespace AkkaChat.Edge.Transport;

using System.Globalization;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Operations;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Protocols.V2;
using AkkaChat.Persistence.Query;

/// <summary>
/// <c>GET /chat?id=&lt;uid&gt;&amp;token=&lt;token&gt;</c>: the seed-000 WebSocket; with <c>&amp;v=2</c>, protocol v2
/// (acks, sequence numbers, resume). Both speak JSON text frames over the same socket plumbing. This is where a
/// protocol is picked: its connection actor (<c>Protocols/&lt;name&gt;/</c>) is started here.
/// </summary>
public static class ChatSocketEndpoint
{
    public static void MapChatSocket(this IEndpointRouteBuilder app) => app.Map("/chat", HandleAsync);

    private static async Task HandleAsync(HttpContext context, SessionGate sessions, ActorSystem system, IActorRegistry registry, IChatTopology topology, ChatOptions options, MessageLog log, SocketDirectory directory, UserRateLimits userRates, ILogger<SocketSession> socketLog)
    {
        var query = context.Request.Query;
        var v2 = query["v"] == "2";
        UserId? user;
        try
        {
            user = await sessions.AuthenticateAsync(query["token"], Remote(context));
        }
        catch (AskTimeoutException)
        {
            ChatMetrics.AskTimedOut();
            ChatMetrics.Handshake(v2, accepted: false);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("the server is busy, try again");
            return;
        }
        if (user is null || !long.TryParse(query["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id != user.Value.Value)
        {
            ChatMetrics.Handshake(v2, accepted: false);
            if (user is not null) socketLog.LogInformation("Refused a socket from {Address}: the token is user {User}'s, not that of id {Id}", Remote(context), user.Value.Value, query["id"].ToString());
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("invalid or expired token");
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            ChatMetrics.Handshake(v2, accepted: false);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("expected a WebSocket upgrade");
            return;
        }

        // The connection actor registers with the user entity before the upgrade is answered: once the client holds an open
        // socket, everything stored reaches it (a second seed-000 device starts live, with no backlog to cover a gap).
        using var session = new SocketSession(options.OutboundQueue, context.RequestAborted);
        var fanout = registry.Get<RoomFanoutKey>();
        var limits = new SocketLimits(options.MessagesPerSecond, options.MessageBurst, options.HeartbeatInterval, options.MissedHeartbeats, userRates);
        var connection = v2
            ? system.ActorOf(V2Connection.Props(user.Value, session, topology, fanout, log, limits))
            : system.ActorOf(Seed000Connection.Props(user.Value, session, topology, fanout, log, limits));
        var remote = context.Connection.RemoteIpAddress is { } ip ? $"{ip}:{context.Connection.RemotePort}" : "unknown";
        directory.Add(connection, new SocketSummary(user.Value, v2 ? "v2" : "seed000", remote, DateTimeOffset.UtcNow), session);
        var registration = await RegistrationAsync(session, context.RequestAborted);
        if (registration != SocketRegistration.Registered)
        {
            ChatMetrics.Handshake(v2, accepted: false);
            directory.Closed(connection, alreadyStopped: session.ConnectionStopped);
            if (context.RequestAborted.IsCancellationRequested) return;
            context.Response.StatusCode = registration == SocketRegistration.UnknownUser ? StatusCodes.Status401Unauthorized : StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync(registration == SocketRegistration.UnknownUser ? "unknown user" : "the server could not open the socket, try again");
            return;
        }

        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync();
        }
        catch
        {
            ChatMetrics.Handshake(v2, accepted: false);
            directory.Closed(connection, alreadyStopped: session.ConnectionStopped);
            throw;
        }
        using var accepted = socket;
        ChatMetrics.Handshake(v2, accepted: true);
        ChatMetrics.SocketOpened(v2);
        session.Attach(new WebSocketTransport(socket, WebSocketMessageType.Text));
        userRates.Open(user.Value.Value);
        if (socketLog.IsEnabled(LogLevel.Debug))
            socketLog.LogDebug("Socket opened: user {User}, protocol {Protocol}, from {Address}", user.Value.Value, Protocol(context), Remote(context));
        var opened = Environment.TickCount64;
        var writer = session.RunWriterAsync();
        var refused = false;
        try
        {
            refused = await SocketReadLoop.RunAsync(socket, session, connection, options.MaxFrameBytes);
        }
        finally
        {
            ChatMetrics.SocketClosed(v2);
            LogClosed(socketLog, context, session, socket, user.Value.Value, opened);
            userRates.Close(user.Value.Value);
            directory.Closed(connection, alreadyStopped: session.ConnectionStopped);
            await writer;
            await AwaitClientCloseAsync(socket);
            if (refused) await LingerAsync(context.RequestAborted);
        }
    }

    /// <summary>How long a connection stays open after the WebSocket refused the client's bytes, for the client to hang up.</summary>
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The WebSocket refused what the client sent (a text frame that is not UTF-8: 1007; a protocol error: 1002), sent its
    /// close frame and gave up the socket, so nothing reads it any more. Ending the connection at once resets it if the
    /// client still sends (an ack, its own close frame), and a reset makes the client's kernel drop the close frame before
    /// the client reads it (1006). Kestrel keeps draining the connection meanwhile; the client hangs up, or the bound ends it.
    /// </summary>
    internal static async Task LingerAsync(CancellationToken clientGone)
    {
        try
        {
            await Task.Delay(RefusalLinger, clientGone);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Who closed the socket and how, when the read loop ends: a close this side started (its code), else the client's,
    /// else a lost connection. Ordinary closes are Debug; the node closing a socket for cause (1008, 1009, 4000...) is Information.
    /// </summary>
    private static void LogClosed(ILogger log, HttpContext context, SocketSession session, WebSocket socket, long user, long openedAt)
    {
        var (by, status, reason) = session.CloseStarted is { } started ? ("server", (int)started.Status, started.Reason)
            : socket.CloseStatus is { } client ? ("client", (int)client, socket.CloseStatusDescription ?? "")
            : ("lost", 1006, "connection lost without a close");
        var level = by == "server" && status is not ((int)WebSocketCloseStatus.NormalClosure or (int)WebSocketCloseStatus.EndpointUnavailable)
            ? LogLevel.Information
            : LogLevel.Debug;
        if (!log.IsEnabled(level)) return;
        log.Log(level, "Socket closed by {ClosedBy}: user {User}, protocol {Protocol}, from {Address}, code {CloseCode} {CloseReason}, open {OpenSeconds:F0} s",
            by, user, Protocol(context), Remote(context), status, reason, (Environment.TickCount64 - openedAt) / 1000.0);
    }

    // Computed when a line is logged, not held for the socket's life (every idle socket would pay for the strings).
    private static string Remote(HttpContext context) => $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";

    private static string Protocol(HttpContext context) => context.Request.Query["v"] == "2" ? "v2" : "seed000";

    /// <summary>How long a handshake waits for the user entity to register the socket (it may be recovering from its journal).</summary>
    private static readonly TimeSpan RegistrationTimeout = TimeSpan.FromSeconds(10);

    private static async Task<SocketRegistration> RegistrationAsync(SocketSession session, CancellationToken aborted)
    {
        try
        {
            return await session.Registration.WaitAsync(RegistrationTimeout, aborted);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return SocketRegistration.Stopped;
        }
    }

    /// <summary>
    /// After our close frame, reads (and discards) until the client's close frame, briefly: closing the TCP connection
    /// with unread data would reset it and the client might never see the close code and reason.
    /// </summary>
    internal static async Task AwaitClientCloseAsync(WebSocket socket)
    {
        if (socket.State != WebSocketState.CloseSent) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var buffer = new byte[4096];
        try
        {
            for (var i = 0; i < 1024 && socket.State == WebSocketState.CloseSent; i++)
            {
                if ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType == WebSocketMessageType.Close) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }
}
