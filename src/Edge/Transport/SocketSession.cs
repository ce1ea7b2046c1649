namespace AkkaChat.Edge.Transport;

using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Tasks.Sources;

/// <summary>
/// The outbound side of one socket (a WebSocket, or a TCP connection: <see cref="ISocketTransport"/>): a bounded queue of encoded frames drained by one writer loop.
/// The connection actor only ever calls <see cref="TryEnqueue"/> and <see cref="Close"/>, never blocks;
/// a reader too slow to keep the queue below its bound is disconnected, never buffered without bound.
/// </summary>
/// <remarks>
/// The queue is a <see cref="Ring{T}"/> under a lock and the writer's one wait a reusable value-task source (this
/// object): a node holds one session per socket and most are idle, and a bounded <c>Channel</c> with its reader's
/// async enumerator and waiter objects cost every idle socket ~0.8 KB.
/// <para>
/// A pooled frame (<see cref="OutboundFrame.Rented"/>) is the session's from <see cref="TryEnqueue"/> on: its array goes
/// back to the pool once the transport's send completed, or at once when the frame is refused or dropped by a policy
/// close (it never reached the transport). A send that failed or was cancelled may still hold the array: it is left to
/// the collector, never returned. Frames still queued when the session is aborted are left to the collector too.
/// </para>
/// </remarks>
public sealed class SocketSession : IDisposable, IValueTaskSource<bool>
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private ISocketTransport _transport = null!; // set by the constructor or, once the upgrade is answered, by Attach
    private TaskCompletionSource<SocketRegistration>? _registration = new(TaskCreationOptions.RunContinuationsAsynchronously); // let go at Attach
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenRegistration _abortWithRequest;
    private readonly CancellationTokenRegistration _wakeOnAbort;
    private readonly ArrayPool<byte> _pool;
    private Ring<OutboundFrame> _outbound; // under _gate
    private bool _writerWaiting; // under _gate: the writer awaits _wake and nobody has woken it yet
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private (WebSocketCloseStatus Status, string Reason)? _close; // under _gate: set once; nothing is queued after it
    private long _written;

    /// <param name="requestAborted">The HTTP request's abort token: when the connection drops, both loops stop.</param>
    /// <param name="pool">Where pooled frames were rented and go back to; <see cref="ArrayPool{T}.Shared"/> unless given.</param>
    public SocketSession(ISocketTransport transport, int capacity, CancellationToken requestAborted, ArrayPool<byte>? pool = null)
        : this(capacity, requestAborted, pool)
    {
        _transport = transport;
    }

    /// <summary>
    /// A session whose socket is attached later (<see cref="Attach"/>): frames queue from the start and are written once the
    /// writer runs, so the connection actor can register with its user entity before the upgrade is answered.
    /// </summary>
    public SocketSession(int capacity, CancellationToken requestAborted, ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        // One token source for both loops (not a linked source per loop): every idle socket pays for each one.
        _abortWithRequest = requestAborted.UnsafeRegister(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort);
        _wakeOnAbort = _abort.Token.UnsafeRegister(static session => ((SocketSession)session!).WakeWriter(), this);
        Capacity = capacity;
    }

    /// <summary>The connection actor has stopped (it stops itself when it closes the socket for a reason of its own).</summary>
    public bool ConnectionStopped { get; private set; }

    public void MarkConnectionStopped()
    {
        ConnectionStopped = true;
        _registration?.TrySetResult(SocketRegistration.Stopped);
    }

    /// <summary>How the connection actor's registration with its user entity ended; the endpoint answers the upgrade after it.</summary>
    public Task<SocketRegistration> Registration => _registration?.Task ?? Task.FromResult(SocketRegistration.Registered);

    /// <summary>The user entity answered the connection actor's registration (once; later answers change nothing).</summary>
    public void MarkRegistered(SocketRegistration outcome) => _registration?.TrySetResult(outcome);

    /// <summary>
    /// The upgrade was answered: the writer (<see cref="RunWriterAsync"/>) may start on this socket. The registration's task is
    /// let go (an idle socket should hold nothing it no longer needs).
    /// </summary>
    public void Attach(ISocketTransport transport)
    {
        _transport = transport;
        _registration = null;
    }

    /// <summary>How many frames were queued so far (only the connection actor queues, so no lock).</summary>
    public long Enqueued { get; private set; }

    /// <summary>How many frames the writer has handed to the socket so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Frames queued and not yet written.</summary>
    public int Queued => _outbound.Count;

    /// <summary>The bound of the outbound queue.</summary>
    public int Capacity { get; }

    /// <summary>
    /// Cancelled when the session must stop reading and writing: when the connection drops, or when a client does not
    /// take our close frame or answer it in time. (Cancelling a receive aborts the socket,
    /// so a normal close lets the client answer.)
    /// </summary>
    public CancellationToken Closing => _abort.Token;

    /// <summary>The reason of the 1008 a reader too slow to keep the queue below its bound is closed with.</summary>
    public const string SlowConsumer = "slow consumer: outbound queue full";

    /// <summary>
    /// Queues a frame. When the queue is full the reader is too slow: <see cref="Overflowed"/> is set and the socket is
    /// closed at once (1008), unless <paramref name="closeWhenFull"/> is false and the caller makes that close itself.
    /// A pooled frame is the session's from here on, queued or not (a refused one goes back to the pool at once).
    /// </summary>
    public bool TryEnqueue(OutboundFrame frame, bool closeWhenFull = true)
    {
        bool full, wake = false;
        lock (_gate)
        {
            if (_close is not null)
            {
                Release(frame);
                return false;
            }
            full = _outbound.Count >= Capacity;
            if (!full)
            {
                _outbound.AddLast(frame);
                wake = TakeWaitingWriter();
            }
        }
        if (full)
        {
            Release(frame);
            Overflowed = true;
            if (closeWhenFull) Close(WebSocketCloseStatus.PolicyViolation, SlowConsumer);
            return false;
        }
        Enqueued++;
        if (wake) _wake.SetResult(true);
        return true;
    }

    /// <summary>The queue overflowed: the reader is a slow consumer, closed or about to be closed with 1008.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The close this side started (or answered with), if any: what the close log line reports.</summary>
    public (WebSocketCloseStatus Status, string Reason)? CloseStarted
    {
        get
        {
            lock (_gate) return _close;
        }
    }

    /// <summary>
    /// Closes after the frames already queued, unless the close is a policy one (1008: slow consumer, unknown user):
    /// then what is queued is dropped (pooled frames go back to the pool: no transport has seen them) and the close frame
    /// follows the frame being written, if the socket takes both within <see cref="CloseTimeout"/>; otherwise the
    /// connection is aborted.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        bool wake;
        var policy = status == WebSocketCloseStatus.PolicyViolation;
        lock (_gate)
        {
            if (_close is not null) return;
            _close = (status, reason);
            if (policy)
            {
                while (_outbound.TryTakeFirst(out var dropped)) Release(dropped);
            }
            wake = TakeWaitingWriter();
        }
        if (wake) _wake.SetResult(true);
        // Cancelling at once would abort the socket mid-frame (a client would see 1006); the bound keeps a reader that
        // takes nothing at all from holding the connection.
        if (policy) _abort.CancelAfter(CloseTimeout);
    }

    /// <summary>
    /// Closes after the frames already queued whatever <paramref name="status"/> is (a refusal frame, then 1008: the client
    /// reads why), bounded like a policy close: a client that takes neither within <see cref="CloseTimeout"/> is dropped.
    /// </summary>
    public void CloseAfterQueued(WebSocketCloseStatus status, string reason)
    {
        bool wake;
        lock (_gate)
        {
            if (_close is not null) return;
            _close = (status, reason);
            wake = TakeWaitingWriter();
        }
        if (wake) _wake.SetResult(true);
        _abort.CancelAfter(CloseTimeout);
    }

    /// <summary>Sends queued frames until the session is closed and drained (or aborted), then the close frame.</summary>
    public async Task RunWriterAsync()
    {
        var closing = _abort.Token;
        try
        {
            while (true)
            {
                if (TryTakeFrame(closing, out var frame, out var ended))
                {
                    await _transport.SendAsync(frame.Bytes, closing);
                    Interlocked.Increment(ref _written);
                    Release(frame); // only now: the transport has taken the bytes (a failed send never gets here)
                }
                else if (ended)
                {
                    break;
                }
                else
                {
                    await new ValueTask<bool>(this, _wake.Version);
                }
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

    /// <summary>
    /// Takes the next queued frame. Without one, <paramref name="ended"/> says whether the writer is done (closed and
    /// drained, or aborted); otherwise a wait is armed, and whoever queues, closes or aborts next completes it.
    /// </summary>
    private bool TryTakeFrame(CancellationToken closing, out OutboundFrame frame, out bool ended)
    {
        lock (_gate)
        {
            ended = closing.IsCancellationRequested;
            if (ended)
            {
                frame = default;
                return false;
            }
            if (_outbound.TryTakeFirst(out frame)) return true;
            ended = _close is not null;
            if (!ended)
            {
                _wake.Reset();
                _writerWaiting = true;
            }
            return false;
        }
    }

    /// <summary>Gives a pooled frame's array back to the pool; a shared frame is left alone.</summary>
    private void Release(in OutboundFrame frame)
    {
        if (frame.Rented is { } rented) _pool.Return(rented);
    }

    /// <summary>
    /// Whether the writer waits and is now this caller's to wake (with <c>_wake.SetResult</c>, after leaving the lock);
    /// once per wait. Called under <see cref="_gate"/>, by whoever queued, closed or aborted.
    /// </summary>
    private bool TakeWaitingWriter()
    {
        var waiting = _writerWaiting;
        _writerWaiting = false;
        return waiting;
    }

    /// <summary>Lets the writer go on if it waits: the session was aborted.</summary>
    private void WakeWriter()
    {
        bool wake;
        lock (_gate) wake = TakeWaitingWriter();
        if (wake) _wake.SetResult(true);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);

    private async Task SendCloseAsync()
    {
        var close = _close ?? (WebSocketCloseStatus.NormalClosure, "bye");
        using (var timeout = new CancellationTokenSource(CloseTimeout))
        {
            if (await _transport.CloseAsync(close.Status, close.Reason, timeout.Token))
            {
                _abort.CancelAfter(CloseTimeout); // the read loop ends when the client's close frame arrives
                return;
            }
        }
        _transport.Abort();
        _abort.Cancel();
    }

    /// <summary>Stops listening to the request's abort token; the session's own token source stays usable.</summary>
    public void Dispose()
    {
        _abortWithRequest.Dispose();
        _wakeOnAbort.Dispose();
    }
}

/// <summary>How a socket's registration with its user entity ended.</summary>
public enum SocketRegistration
{
    /// <summary>Registered: pushes reach the socket from now on.</summary>
    Registered,

    /// <summary>The token's user does not exist.</summary>
    UnknownUser,

    /// <summary>The connection actor stopped first.</summary>
    Stopped,
}
