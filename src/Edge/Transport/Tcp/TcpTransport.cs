namespace AkkaChat.Edge.Transport.Tcp;

using System.Net.WebSockets;
using Akka.IO;
using Akka.Streams;

/// <summary>
/// A TCP connection's outbound stream as a <see cref="SocketSession"/>'s transport: each frame is offered to a small
/// backpressured queue in front of the TCP stage, so a client that does not read stalls the session's writer and the
/// session's own bounded queue fills (then it closes the connection as a slow consumer). TCP has no close codes: a close
/// ends the stream after what was sent, an abort resets the connection.
/// </summary>
internal sealed class TcpTransport(ISourceQueueWithComplete<ByteString> outbound, Task outboundEnded, IKillSwitch inbound, CancellationToken gone) : ISocketTransport
{
    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel)
    {
        IQueueOfferResult result;
        try
        {
            result = await outbound.OfferAsync(LengthPrefixedFrames.Encode(frame.Span), cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new OperationCanceledException("the TCP connection is gone", e); // the session's writer stops on a cancellation
        }
        if (result is not QueueOfferResult.Enqueued) throw new OperationCanceledException("the TCP connection is gone");
    }

    /// <summary>Completes the outbound stream; true once the TCP stage has taken every frame and the close (it then flushes and closes).</summary>
    public async Task<bool> CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancel)
    {
        if (gone.IsCancellationRequested) return false;
        outbound.Complete();
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
        outbound.Fail(aborted);
    }
}
