namespace AkkaChat.Edge.Transport;

using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;

/// <summary>
/// The inbound side of a socket: reads whole text frames (bounded by the frame limit) and tells each to the socket's
/// connection actor as <see cref="InboundText"/>. Whatever the protocol, the actor decodes.
/// </summary>
public static class SocketReadLoop
{
    /// <summary>Receive buffer rented per frame: most chat frames fit; a larger frame grows it, up to the frame limit.</summary>
    private const int InitialReceiveBuffer = 4096;

    /// <summary>Reads frames until the socket closes; true when the WebSocket itself refused the client's bytes (the endpoint then lingers, see <c>ChatSocketEndpoint.LingerAsync</c>).</summary>
    public static async Task<bool> RunAsync(WebSocket socket, SocketSession session, IActorRef connection, int maxFrameBytes)
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
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        session.Close(WebSocketCloseStatus.InvalidMessageType, "/chat takes JSON text frames");
                        return false;
                    }
                    connection.Tell(new InboundText(buffer.AsSpan(0, length).ToArray()));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode == WebSocketError.Faulted && socket.State == WebSocketState.Aborted)
        {
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
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
