namespace AkkaChat.Edge.Transport;

using System.Net.WebSockets;

/// <summary>
/// The wire under a <see cref="SocketSession"/>: where its writer puts frames and how it ends the connection. A WebSocket
/// (<see cref="WebSocketTransport"/>) or a TCP stream of length-prefixed frames; one writer calls it, never concurrently.
/// </summary>
public interface ISocketTransport
{
    /// <summary>Writes one whole frame; completes when the transport has taken it (its own buffer bounds how far ahead).</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel);

    /// <summary>
    /// Ends the connection after the frames already sent: a WebSocket sends its close frame with <paramref name="status"/> and
    /// <paramref name="reason"/> (or has sent one of its own already); a transport without close codes just ends its output.
    /// False when the connection was already gone or did not take the close within <paramref name="cancel"/>; the session
    /// then aborts.
    /// </summary>
    Task<bool> CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancel);

    /// <summary>Drops the connection at once.</summary>
    void Abort();
}

/// <summary>A WebSocket as a session's transport: every frame one message of <paramref name="frames"/> (text or binary).</summary>
public sealed class WebSocketTransport(WebSocket socket, WebSocketMessageType frames) : ISocketTransport
{
    public WebSocket Socket => socket;

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel) =>
        socket.SendAsync(frame, frames, endOfMessage: true, cancel);

    public async Task<bool> CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancel)
    {
        // The WebSocket sent its own close and gave up (it refused the client's bytes: 1007/1002) while the writer was busy.
        // That close is out and the read loop ends by itself; aborting or cancelling the session now can still reset the
        // connection before the client reads the frame (1006), so it counts as sent and the session only bounds the rest.
        if (socket.State is WebSocketState.CloseSent or WebSocketState.Aborted) return true;
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return false;
        try
        {
            await socket.CloseOutputAsync(status, reason, cancel);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Aborts a socket that is still open. One the WebSocket already gave up (it refused the client's bytes and sent its own
    /// close, 1007/1002) is left alone: disposing it now would reset the connection and the client could lose that close frame.
    /// </summary>
    public void Abort()
    {
        if (socket.State is not (WebSocketState.Aborted or WebSocketState.Closed)) socket.Abort();
    }
}
