namespace AkkaChat.Edge.Transport;

using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;

/// <summary>
/// The inbound side of a socket: reads whole frames (bounded by the frame limit) and hands each on. <c>/chat</c> takes text
/// frames and tells each to the socket's connection actor as <see cref="InboundText"/>; <c>/ws</c> takes binary and text
/// frames alike and passes their bytes to an <see cref="IInboundFrames"/>, awaited, so frames are handled in order.
/// Whatever the protocol, the receiver decodes.
/// </summary>
public static class SocketReadLoop
{
    /// <summary>Receive buffer rented per frame: most chat frames fit; a larger frame grows it, up to the frame limit.</summary>
    private const int InitialReceiveBuffer = 4096;

    /// <summary>Reads frames until the socket closes; true when the socket ended aborted, as when the WebSocket itself refused the client's bytes (the endpoint then lingers, see <c>ChatSocketEndpoint.LingerAsync</c>).</summary>
    public static Task<bool> RunAsync(WebSocket socket, SocketSession session, IActorRef connection, int maxFrameBytes) =>
        RunAsync(socket, session, connection, frames: null, maxFrameBytes);

    /// <summary>Reads binary and text frames alike until the socket closes, handing each frame's bytes to <paramref name="frames"/> (awaited).</summary>
    public static Task<bool> RunAsync(WebSocket socket, SocketSession session, IInboundFrames frames, int maxFrameBytes) =>
        RunAsync(socket, session, connection: null, frames, maxFrameBytes);

    private static async Task<bool> RunAsync(WebSocket socket, SocketSession session, IActorRef? connection, IInboundFrames? frames, int maxFrameBytes)
    {
        var closing = session.Closing;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // An idle socket waits with a zero-byte read and holds no buffer; one is rented only while a frame arrives.
                var first = await socket.ReceiveAsync(Memory<byte>.Empty, closing);
                if (first.MessageType == WebSocketMessageType.Close) return false;
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialReceiveBuffer, maxFrameBytes + 1));
                byte[] inbound;
                try
                {
                    var (length, result) = (0, first);
                    while (!result.EndOfMessage && length <= maxFrameBytes)
                    {
                        if (length == buffer.Length) buffer = Grow(buffer, length, maxFrameBytes + 1);
                        result = await socket.ReceiveAsync(buffer.AsMemory(length), closing);
                        if (result.MessageType == WebSocketMessageType.Close) return false;
                        length += result.Count;
                    }
                    if (length > maxFrameBytes)
                    {
                        session.Close(WebSocketCloseStatus.MessageTooBig, $"frames are limited to {maxFrameBytes} bytes");
                        return false;
                    }
                    if (frames is null && result.MessageType == WebSocketMessageType.Binary)
                    {
                        session.Close(WebSocketCloseStatus.InvalidMessageType, "/chat takes JSON text frames");
                        return false;
                    }
                    inbound = buffer.AsSpan(0, length).ToArray();
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                if (frames is not null) await frames.OnFrameAsync(inbound); // the next frame is read once this one is handled
                else connection!.Tell(new InboundText(inbound));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // A WebSocket that refused the client's bytes sent its own close and aborted itself. That surfaces as a Faulted
            // WebSocketException or, when the session's token was cancelled meanwhile, as an "Aborted" cancellation; so the
            // state tells, not the exception. An abort of this side's own (a client that never answered our close) lingers
            // too, harmlessly; a lost connection ends the linger at once.
            return socket.State == WebSocketState.Aborted;
        }
        return false;
    }

    private static byte[] Grow(byte[] buffer, int used, int cap)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(cap, buffer.Length * 2));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}

/// <summary>Where a socket's read side hands whole frames when the receiver is not (yet) an actor: called in order, one at a time.</summary>
public interface IInboundFrames
{
    ValueTask OnFrameAsync(byte[] frame);
}
