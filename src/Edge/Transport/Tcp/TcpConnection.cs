namespace AkkaChat.Edge.Transport.Tcp;

using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using StreamTcp = Akka.Streams.Dsl.Tcp;

/// <summary>
/// One accepted TCP connection, run as one stream: bytes → <see cref="LengthPrefixedFrames"/> → the protocol's handler, one
/// frame at a time (so in order, and a handler that is busy holds back the client); and the <see cref="SocketSession"/>'s
/// writer → <see cref="TcpTransport"/> → a small bounded channel → the TCP stage. No thread of its own: the stream and
/// the session's writer run on the thread pool only while there is something to do.
/// </summary>
internal sealed class TcpConnection
{
    /// <summary>Frames buffered ahead of the TCP stage; beyond these a slow client backs up into the session's queue.</summary>
    private const int OutboundBuffer = 16;

    /// <summary>Frames waiting while a write is in flight go out together, up to this many bytes in one write.</summary>
    private const long MaxBatchBytes = 64 * 1024;

    /// <summary>How long the connection waits, once its read side ended, for the protocol to close the session itself.</summary>
    private static readonly TimeSpan CloseFallback = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _gone = new();
    private readonly SocketSession _session;
    private readonly ILogger _log;
    private readonly Action<TcpConnection> _onEnded;
    private readonly long _openedAt = Environment.TickCount64;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITcpFrameHandler _handler = null!;
    private int _sidesOpen = 2; // the read side and the outbound stream
    private volatile bool _handlerFailed;
    private (string By, int Status, string Reason) _endedBy;

    private TcpConnection(string remote, int outboundQueue, ILogger log, Action<TcpConnection> ended)
    {
        Remote = remote;
        _log = log;
        _onEnded = ended;
        _session = new SocketSession(outboundQueue, _gone.Token);
    }

    public string Remote { get; }

    /// <summary>Completes once both directions of the connection have ended.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Runs <paramref name="incoming"/>: opens its protocol side, materializes its stream and starts the session's writer.</summary>
    /// <param name="ended">Called once both directions have ended, before <see cref="Ended"/> completes.</param>
    public static TcpConnection Run(StreamTcp.IncomingConnection incoming, TcpEdgeSettings settings, OpenTcpConnection open, IMaterializer materializer, ILogger log, Action<TcpConnection> ended)
    {
        var connection = new TcpConnection(incoming.RemoteAddress.ToString() ?? "unknown", settings.OutboundQueue, log, ended);
        connection._handler = open(connection._session, connection.Remote);

        var inbound = Flow.Create<ByteString>()
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Right)
            .Via(new LengthPrefixedFrames(settings.MaxFrameBytes, settings.IdleTimeout, connection.Refuse))
            .SelectAsync(1, connection.DeliverAsync)
            .To(Sink.OnComplete<bool>(() => connection.ReadSideEnded(null), connection.ReadSideEnded));
        var frames = Channel.CreateBounded<ByteString>(new BoundedChannelOptions(OutboundBuffer)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        var outbound = ChannelSource.FromReader(frames.Reader)
            .BatchWeighted(MaxBatchBytes, frame => frame.Count, frame => frame, (batch, frame) => batch.Concat(frame))
            .WatchTermination(Keep.Right);
        var (readSide, sent) = incoming.HandleWith(Flow.FromSinkAndSource(inbound, outbound, (read, write) => (read, write)), materializer);

        sent.ContinueWith(static (_, state) => ((TcpConnection)state!).OutboundEnded(), connection, TaskScheduler.Default);
        connection._session.Attach(new TcpTransport(frames.Writer, sent, readSide, connection._gone.Token));
        _ = connection._session.RunWriterAsync();
        if (log.IsEnabled(LogLevel.Debug)) log.LogDebug("TCP connection opened from {Address}", connection.Remote);
        return connection;
    }

    /// <summary>Closes the connection after what is queued (the node is stopping: <see cref="WebSocketCloseStatus.EndpointUnavailable"/>).</summary>
    public void Close(WebSocketCloseStatus status, string reason) => _session.Close(status, reason);

    private async Task<bool> DeliverAsync(byte[] frame)
    {
        if (_handlerFailed) return false;
        try
        {
            await _handler.OnFrameAsync(frame);
            return true;
        }
        catch (Exception e)
        {
            // A bug in the protocol side: this connection ends, the node goes on.
            _handlerFailed = true;
            _log.LogError(e, "TCP connection from {Address}: the protocol handler failed on a frame; closing the connection", Remote);
            _session.Close(WebSocketCloseStatus.InternalServerError, "server error");
            return false;
        }
    }

    /// <summary>The frame decoder ended the read side (a bad length, or idle): the session closes with the reason it logs.</summary>
    private void Refuse(WebSocketCloseStatus status, string reason) => _session.Close(status, reason);

    private void ReadSideEnded(Exception? failure)
    {
        // Who ended it, decided now: the protocol closes the session when told, which is not the server's doing.
        _endedBy = _session.CloseStarted is { } started ? ("server", (int)started.Status, started.Reason)
            : failure is not null ? ("lost", 1006, "connection lost")
            : ("client", 1000, "the client ended the connection");
        try
        {
            _handler.OnClosed();
        }
        catch (Exception e)
        {
            _log.LogError(e, "TCP connection from {Address}: the protocol handler failed when the connection closed", Remote);
        }
        // The protocol closes the session itself (its connection actor stops); one that does not is closed after a bound.
        if (_session.CloseStarted is null)
        {
            _ = Task.Delay(CloseFallback, _gone.Token).ContinueWith(
                static (_, session) => ((SocketSession)session!).Close(WebSocketCloseStatus.NormalClosure, "bye"),
                _session, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
        SideEnded();
    }

    /// <summary>The TCP stage has taken the last frame and the close, or the connection is gone: the session's writer stops.</summary>
    private void OutboundEnded()
    {
        _gone.Cancel();
        SideEnded();
    }

    private void SideEnded()
    {
        if (Interlocked.Decrement(ref _sidesOpen) != 0) return;
        LogClosed();
        _session.Dispose();
        _onEnded(this);
        _ended.TrySetResult();
    }

    /// <summary>Who ended the connection and why; TCP has no close codes, so the code is the one the session closed with.</summary>
    private void LogClosed()
    {
        var (by, status, reason) = _endedBy;
        var level = by == "server" && status is not ((int)WebSocketCloseStatus.NormalClosure or (int)WebSocketCloseStatus.EndpointUnavailable)
            ? LogLevel.Information
            : LogLevel.Debug;
        if (!_log.IsEnabled(level)) return;
        _log.Log(level, "TCP connection closed by {ClosedBy}: from {Address}, code {CloseCode} {CloseReason}, open {OpenSeconds:F0} s",
            by, Remote, status, reason, (Environment.TickCount64 - _openedAt) / 1000.0);
    }
}
