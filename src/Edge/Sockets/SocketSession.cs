namespace AkkaChat.Edge.Sockets;

using System.Net.WebSockets;
using System.Threading.Channels;

/// <summary>
/// The outbound side of one WebSocket: a bounded queue of encoded frames drained by one writer loop.
/// The connection actor only ever calls <see cref="TryEnqueue"/> and <see cref="Close"/>, never blocks;
/// a reader too slow to keep the queue below its bound is disconnected, never buffered without bound.
/// </summary>
public sealed class SocketSession : IDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _outbound;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenRegistration _abortWithRequest;
    private (WebSocketCloseStatus Status, string Reason)? _close;
    private long _written;

    /// <param name="requestAborted">The HTTP request's abort token: when the connection drops, both loops stop.</param>
    public SocketSession(WebSocket socket, int capacity, CancellationToken requestAborted)
    {
        _socket = socket;
        // One token source for both loops (not a linked source per loop): every idle socket pays for each one.
        _abortWithRequest = requestAborted.UnsafeRegister(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort);
        Capacity = capacity;
        _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The connection actor has stopped (it stops itself when it closes the socket for a reason of its own).</summary>
    public bool ConnectionStopped { get; private set; }

    public void MarkConnectionStopped() => ConnectionStopped = true;

    /// <summary>How many frames were queued so far (only the connection actor queues, so no lock).</summary>
    public long Enqueued { get; private set; }

    /// <summary>How many frames the writer has handed to the socket so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Frames queued and not yet written.</summary>
    public int Queued => _outbound.Reader.Count;

    /// <summary>The bound of the outbound queue.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Cancelled when the session must stop reading and writing: when the connection drops, at once for a slow
    /// consumer, or when a client does not answer our close frame in time. (Cancelling a receive aborts the socket,
    /// so a normal close lets the client answer.)
    /// </summary>
    public CancellationToken Closing => _abort.Token;

    /// <summary>Queues a text frame; when the queue is full the reader is too slow and the socket is closed (1008).</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (_outbound.Writer.TryWrite(frame))
        {
            Enqueued++;
            return true;
        }
        Close(WebSocketCloseStatus.PolicyViolation, "slow consumer: outbound queue full");
        return false;
    }

    /// <summary>Closes after the frames already queued, unless the close is for a slow consumer (then at once).</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        lock (_outbound)
        {
            if (_close is not null) return;
            _close = (status, reason);
        }
        _outbound.Writer.TryComplete();
        if (status == WebSocketCloseStatus.PolicyViolation) _abort.Cancel();
    }

    /// <summary>Sends queued frames until the queue completes, then the close frame.</summary>
    public async Task RunWriterAsync()
    {
        var closing = _abort.Token;
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(closing))
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, closing);
                Interlocked.Increment(ref _written);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
        await SendCloseAsync();
    }

    private async Task SendCloseAsync()
    {
        var close = _close ?? (WebSocketCloseStatus.NormalClosure, "bye");
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await _socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
                _abort.CancelAfter(CloseTimeout); // the read loop ends when the client's close frame arrives
                return;
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                _socket.Abort();
            }
        }
        _abort.Cancel();
    }

    /// <summary>Stops listening to the request's abort token; the session's own token source stays usable.</summary>
    public void Dispose() => _abortWithRequest.Dispose();
}
