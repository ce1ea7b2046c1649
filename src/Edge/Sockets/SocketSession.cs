namespace AkkaChat.Edge.Sockets;

using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;

/// <summary>
/// The outbound side of one WebSocket: a bounded queue of encoded frames drained by one writer loop.
/// The connection actor only ever calls <see cref="TryEnqueue"/> and <see cref="Close"/>, never blocks;
/// a reader too slow to keep the queue below its bound is disconnected, never buffered without bound.
/// </summary>
public sealed class SocketSession
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a written frame must have been out before it counts as read by a client that then vanished without a
    /// close (a TCP reset discards what it had not read yet). Frames written in that last stretch are delivered again.
    /// </summary>
    public static readonly TimeSpan ReadGrace = TimeSpan.FromSeconds(1);

    /// <summary>Write times kept, newest first: more than a socket's queue can write within <see cref="ReadGrace"/>.</summary>
    private const int WriteTimesKept = 4096;

    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _outbound;
    private readonly CancellationTokenSource _abort = new();
    private (WebSocketCloseStatus Status, string Reason)? _close;
    private long _written;
    private readonly long[] _writtenAt = new long[WriteTimesKept];
    private long _writtenLongAgo;
    private long _vanishedAt;

    public SocketSession(WebSocket socket, int capacity)
    {
        _socket = socket;
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

    /// <summary>
    /// Frames the client can be taken to have read, for delivery marks: every frame written while it is connected or
    /// after it closed cleanly; if it vanished without a close, only those written <see cref="ReadGrace"/> before.
    /// </summary>
    public long ReadThrough => Interlocked.Read(ref _vanishedAt) == 0 ? Written : WrittenLongAgo();

    /// <summary>
    /// Frames written at least <see cref="ReadGrace"/> before now (or before the client vanished): whatever happens to
    /// the client, these count as read. Only ever grows. Call from one thread (the connection actor).
    /// </summary>
    public long WrittenLongAgo()
    {
        var vanishedAt = Interlocked.Read(ref _vanishedAt);
        var until = vanishedAt == 0 ? Stopwatch.GetTimestamp() : vanishedAt;
        return WrittenBefore(until - (long)(ReadGrace.TotalSeconds * Stopwatch.Frequency));
    }

    /// <summary>The client went away without a close handshake (not our close): its last frames may be unread.</summary>
    public void MarkVanished()
    {
        lock (_outbound)
        {
            if (_close is null) Interlocked.CompareExchange(ref _vanishedAt, Stopwatch.GetTimestamp(), 0);
        }
    }

    /// <summary>Frames queued and not yet written.</summary>
    public int Queued => _outbound.Reader.Count;

    /// <summary>The bound of the outbound queue.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Cancelled when the session must stop reading: at once for a slow consumer, or when a client does not answer
    /// our close frame in time. (Cancelling a receive aborts the socket, so a normal close lets the client answer.)
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
    public async Task RunWriterAsync(CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _abort.Token);
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(linked.Token))
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, linked.Token);
                _writtenAt[_written % WriteTimesKept] = Stopwatch.GetTimestamp();
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

    /// <summary>How many frames were written at or before <paramref name="cutoff"/> (a Stopwatch timestamp); write times only grow.</summary>
    private long WrittenBefore(long cutoff)
    {
        var written = Written;
        var frame = Math.Max(_writtenLongAgo, written - WriteTimesKept);
        while (frame < written && Volatile.Read(ref _writtenAt[frame % WriteTimesKept]) <= cutoff) frame++;
        if (frame > _writtenLongAgo) _writtenLongAgo = frame;
        return frame;
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
}
