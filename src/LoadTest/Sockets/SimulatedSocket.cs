namespace AkkaChat.LoadTest.Sockets;

using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;

public enum SocketStatus
{
    New,
    Connecting,
    Open,
    /// <summary>About to be dropped (storm): it sends nothing more.</summary>
    Draining,
    /// <summary>Closed by the harness.</summary>
    Down,
    /// <summary>Closed by the server or failed.</summary>
    Lost,
}

/// <summary>Receives what simulated sockets read and decides what to send.</summary>
public interface ISocketHandler
{
    void OnFrame(SimulatedSocket socket, ReadOnlySpan<byte> frame);

    /// <summary>Encodes queued message <paramref name="seq"/> into <paramref name="output"/>; false when it must not be sent.</summary>
    bool WriteMessage(SimulatedSocket socket, long seq, IBufferWriter<byte> output);

    void OnSent(SimulatedSocket socket, long seq, long sendStartTicks);

    void OnSendFailed(SimulatedSocket socket, long seq);

    void OnClosedByServer(SimulatedSocket socket, string reason);

    /// <summary>
    /// Sent right after connecting, in order (and again on each reconnect, from where the socket stands); the socket
    /// counts as open only once <see cref="SimulatedSocket.MarkSynced"/> is called. Empty: none.
    /// </summary>
    IReadOnlyList<ReadOnlyMemory<byte>> Handshake(SimulatedSocket socket);

    /// <summary>How the frames travel.</summary>
    FrameTransport Transport { get; }

    /// <summary>Sent when the socket has sent nothing for <see cref="PingInterval"/>.</summary>
    ReadOnlyMemory<byte> PingFrame { get; }

    TimeSpan? PingInterval { get; }
}

/// <summary>
/// One simulated device: a logical socket of one user that keeps its identity across reconnects (storm), a
/// receive loop, and (for senders) a bounded outbox drained by one send loop.
/// </summary>
public sealed class SimulatedSocket(int index, int userIndex, long userId, string token, string path, int outboxCapacity)
{
    private const int MaxFrame = 1 << 20;

    /// <summary>Queued by the ping timer: not a message (the run's messages are numbered from 1).</summary>
    private const long PingMarker = 0;

    private IFrameLink? _link;
    private Channel<long>? _outbox;
    private int _status = (int)SocketStatus.New;
    private int _generation;
    private TaskCompletionSource? _synced;

    public int Index => index;
    public int UserIndex => userIndex;
    public long UserId => userId;
    /// <summary>The user's session token (protocols that sign in after connecting send it in their handshake).</summary>
    public string Token => token;
    public SocketStatus Status => (SocketStatus)Volatile.Read(ref _status);
    public bool IsOpen => Status == SocketStatus.Open;

    /// <summary>Where the socket stands in its streams (protocol v2); kept across reconnects.</summary>
    public StreamPositions Positions { get; } = new();
    public int Connects;

    /// <summary>
    /// Opens the socket and starts its loops; returns the handshake time, or throws. A WebSocket goes to
    /// <paramref name="baseUrl"/>'s host and port; raw TCP to its host and <paramref name="tcpPort"/>.
    /// </summary>
    public async Task<TimeSpan> ConnectAsync(Uri baseUrl, int tcpPort, SocketConnector connector, ISocketHandler handler, TimeSpan timeout, CancellationToken runToken)
    {
        Volatile.Write(ref _status, (int)SocketStatus.Connecting);
        var start = Stopwatch.GetTimestamp();
        IFrameLink link;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(runToken))
        {
            cts.CancelAfter(timeout);
            try
            {
                link = await OpenAsync(baseUrl, tcpPort, connector, handler.Transport, cts.Token);
            }
            catch
            {
                Volatile.Write(ref _status, (int)SocketStatus.Lost);
                throw;
            }
        }
        _link = link;
        var generation = Interlocked.Increment(ref _generation);
        var handshake = handler.Handshake(this);
        if (handshake.Count == 0)
        {
            _synced = null;
            _ = ReceiveLoopAsync(link, generation, handler, runToken);
        }
        else
        {
            // v2 and seed-003: the handshake first; the socket is ready (and timed) only once the server answers it.
            var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _synced, synced);
            _ = ReceiveLoopAsync(link, generation, handler, runToken);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(runToken);
            cts.CancelAfter(timeout);
            try
            {
                foreach (var frame in handshake) await link.SendAsync(frame, cts.Token);
                await synced.Task.WaitAsync(cts.Token);
            }
            catch (Exception e)
            {
                Volatile.Write(ref _status, (int)SocketStatus.Lost);
                link.Abort();
                throw e is OperationCanceledException && !runToken.IsCancellationRequested
                    ? new TimeoutException($"no answer to the handshake within {timeout.TotalSeconds:F0}s")
                    : e;
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        _outbox = Channel.CreateBounded<long>(new BoundedChannelOptions(outboxCapacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
        Interlocked.Increment(ref Connects);
        Volatile.Write(ref _status, (int)SocketStatus.Open);
        _ = SendLoopAsync(link, _outbox, handler, runToken);
        return elapsed;
    }

    private async Task<IFrameLink> OpenAsync(Uri baseUrl, int tcpPort, SocketConnector connector, FrameTransport transport, CancellationToken ct)
    {
        if (transport == FrameTransport.Tcp)
        {
            var socket = await connector.ConnectTcpAsync(new IPEndPoint(Cli.LoopbackTarget.Address(baseUrl), tcpPort), ct);
            return new TcpLink(socket, MaxFrame);
        }
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero; // the server pings; the receive loop answers
        try
        {
            await ws.ConnectAsync(new Uri(new Uri("ws" + baseUrl.ToString()[4..]), path), connector.Invoker, ct);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
        return new WebSocketLink(ws, transport == FrameTransport.WebSocketBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, MaxFrame);
    }

    /// <summary>The server answered the handshake (v2 <c>synced</c>).</summary>
    public void MarkSynced() => Volatile.Read(ref _synced)?.TrySetResult();

    /// <summary>Queues message <paramref name="seq"/>; false when the socket is not open or its outbox is full.</summary>
    public bool TryQueue(long seq) => Status == SocketStatus.Open && _outbox is { } outbox && outbox.Writer.TryWrite(seq);

    /// <summary>Stops sending (storm: the socket is about to go).</summary>
    public void Drain()
    {
        Interlocked.CompareExchange(ref _status, (int)SocketStatus.Draining, (int)SocketStatus.Open);
        _outbox?.Writer.TryComplete();
    }

    /// <summary>Drops the connection at once, as a phone losing its network would.</summary>
    public void Abort()
    {
        Volatile.Write(ref _status, (int)SocketStatus.Down);
        _outbox?.Writer.TryComplete();
        _link?.Abort();
    }

    /// <summary>Closes politely, bounded by <paramref name="timeout"/>; aborts if the server does not answer.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        Volatile.Write(ref _status, (int)SocketStatus.Down);
        _outbox?.Writer.TryComplete();
        if (_link is { } link) await link.CloseAsync(timeout);
    }

    private async Task ReceiveLoopAsync(IFrameLink link, int generation, ISocketHandler handler, CancellationToken ct)
    {
        string reason;
        try
        {
            while (true)
            {
                if (ct.IsCancellationRequested)
                {
                    reason = "cancelled";
                    break;
                }
                if (await link.ReceiveAsync(ct) is not { } frame)
                {
                    reason = link.CloseReason;
                    break;
                }
                handler.OnFrame(this, frame.Span);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException or SocketException)
        {
            reason = e.Message;
        }
        if (Volatile.Read(ref _generation) == generation) Volatile.Read(ref _synced)?.TrySetException(new IOException($"closed before the handshake was answered: {reason}"));
        // A loop of an earlier connection (storm reconnects) must not mark the new one lost.
        if (Volatile.Read(ref _generation) == generation
            && Interlocked.CompareExchange(ref _status, (int)SocketStatus.Lost, (int)SocketStatus.Open) == (int)SocketStatus.Open
            && !ct.IsCancellationRequested)
        {
            _outbox?.Writer.TryComplete();
            handler.OnClosedByServer(this, reason);
        }
    }

    /// <summary>
    /// Sends what the scheduler queued, and a ping when the socket has sent nothing for the protocol's interval. The
    /// loop waits on the outbox alone, without a cancellation token or a timeout: a wait lasts until the socket's next
    /// message (about a second at chat rates), so anything a wait allocated (a task, a timer, a registration) outlived
    /// the generator's gen0 collections and made it collect gen1 every two seconds under load, pausing the measurement
    /// itself. The run's end completes the outbox; a per-socket timer queues <see cref="PingMarker"/> instead.
    /// </summary>
    private async Task SendLoopAsync(IFrameLink link, Channel<long> outbox, ISocketHandler handler, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var failed = false;
        long lastSend = Stopwatch.GetTimestamp();
        using var stop = ct.Register(static o => ((ChannelWriter<long>)o!).TryComplete(), outbox.Writer);
        using var pings = handler.PingInterval is { } interval
            ? new Timer(_ =>
            {
                if (Stopwatch.GetElapsedTime(Volatile.Read(ref lastSend)) >= interval) outbox.Writer.TryWrite(PingMarker);
            }, null, interval, interval)
            : null;
        var reader = outbox.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var seq))
            {
                if (seq == PingMarker)
                {
                    if (failed || !link.IsOpen) continue;
                    failed = !await TrySendAsync(link, handler.PingFrame, ct);
                    Volatile.Write(ref lastSend, Stopwatch.GetTimestamp());
                    continue;
                }
                if (failed || !link.IsOpen)
                {
                    handler.OnSendFailed(this, seq);
                    continue;
                }
                buffer.ResetWrittenCount();
                if (!handler.WriteMessage(this, seq, buffer)) continue;
                var start = Stopwatch.GetTimestamp();
                if (await TrySendAsync(link, buffer.WrittenMemory, ct)) handler.OnSent(this, seq, start);
                else
                {
                    failed = true;
                    handler.OnSendFailed(this, seq);
                }
                Volatile.Write(ref lastSend, Stopwatch.GetTimestamp());
            }
        }
        // Nothing is left to count as failed here: the wait ends only once the outbox is completed and empty, and what was
        // queued when the run ended went through the loop, failing its sends against the cancelled token.
    }

    private static async ValueTask<bool> TrySendAsync(IFrameLink link, ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        try
        {
            await link.SendAsync(frame, ct);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException or InvalidOperationException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
