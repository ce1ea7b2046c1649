namespace AkkaChat.Edge.Protocols.Seed003;

using System.Net.WebSockets;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Transport;

/// <summary>
/// <c>GET /ws</c>: the seed-003 (golang_im) WebSocket. No authentication at the upgrade and any Origin (also <c>null</c>):
/// identity comes only from the <c>sign</c> request (<see cref="Seed003Socket"/>). Frames are protobuf, binary both ways;
/// a text frame is taken as its bytes.
/// </summary>
public static class Seed003Endpoint
{
    public static void MapSeed003Socket(this IEndpointRouteBuilder app) => app.MapGet("/ws", HandleAsync);

    private static async Task HandleAsync(HttpContext context, Seed003Sockets sockets, ChatOptions options)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("expected a WebSocket upgrade");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var session = new SocketSession(new WebSocketTransport(socket, WebSocketMessageType.Binary), options.OutboundQueue, context.RequestAborted);
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        var protocol = sockets.Open(session, remote, "ws");
        var writer = session.RunWriterAsync();
        var refused = false;
        try
        {
            refused = await SocketReadLoop.RunAsync(socket, session, protocol, options.MaxFrameBytes);
        }
        finally
        {
            protocol.OnClosed();
            await writer;
            await ChatSocketEndpoint.AwaitClientCloseAsync(socket);
            if (refused) await ChatSocketEndpoint.LingerAsync(context.RequestAborted);
        }
    }
}
