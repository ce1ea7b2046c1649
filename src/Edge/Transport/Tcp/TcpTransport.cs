namespace AkkaChat.Edge.Transport.Tcp;

using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.IO;
using Akka.Streams;

/// <summary>
/// A TCP connection's outbound stream as a <see cref="SocketSession"/>'s transport: each frame is written to a small bounded
/// channel that the connection's stream reads into the TCP stage, so a client that does not read stalls the session's
/// writer and the session's own bounded queue fills (then it closes the connection as a slow consumer). A frame that fits
/// is taken at once, with no round trip through the stream. TCP has no close codes: a close ends the stream after what was
/// sent, an abort resets the connection.
/// </summary>
internal sealed class TcpTransport(ChannelWriter<ByteString> outbound, Task outboundEnded, IKillSwitch inbound, CancellationToken gone) : ISocketTransport
{
    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel)
    {
        var bytes = LengthPrefixedFrames.Encode(frame.Span);
        return outbound.TryWrite(bytes) ? ValueTask.CompletedTask : WaitAndSendAsync(bytes, cancel);
    }

    /// <summary>Completes the outbound stream; true once the TCP stage has taken every frame and the close (it then flushes and closes).</summary>
    public async Task<bool> CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancel)
    {
        if (gone.IsCancellationRequested) return false;
        outbound.TryComplete();
        try
        {
            await outboundEnded.WaitAsync(cancel);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Resets the connection: through the read side while it runs (the TCP stage aborts on a failed cancel), else through the outbound side.</summary>
    public void Abort()
    {
        var aborted = new IOException("the TCP connection was aborted");
        inbound.Abort(aborted);
        outbound.TryComplete(aborted);
    }

    private async ValueTask WaitAndSendAsync(ByteString bytes, CancellationToken cancel)
    {
        try
        {
            await outbound.WriteAsync(bytes, cancel);
        }
        catch (ChannelClosedException e)
        {
            throw new OperationCanceledException("the TCP connection is gone", e); // the session's writer stops on a cancellation
        }
    }
}
