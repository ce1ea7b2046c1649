namespace AkkaChat.Bench.Relay;

using System.Net.WebSockets;
using System.Threading.Channels;

/// <summary>
/// One socket's outbound side, as in AkkaChat: a bounded queue drained by one writer loop; a reader too slow
/// to keep the queue below its bound is disconnected (1008), never buffered without bound.
/// </summary>
public sealed class RelayConnection : IDisposable
{
    public const int OutboundQueue = 1024;
    private const double RatePerSecond = 50;
    private const double Burst = 100;

    private readonly Channel<ReadOnlyMemory<byte>> _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(OutboundQueue) { SingleReader = true, SingleWriter = false });
    private readonly WebSocket _socket;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenRegistration _abortWithRequest;
    private double _tokens = Burst;
    private long _lastRefill = Environment.TickCount64;

    /// <summary>As in AkkaChat: one token source per socket for both loops, cancelled when the request aborts.</summary>
    public RelayConnection(WebSocket socket, CancellationToken requestAborted)
    {
        _socket = socket;
        _abortWithRequest = requestAborted.UnsafeRegister(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort);
    }

    public CancellationToken Closing => _abort.Token;

    public void Enqueue(ReadOnlyMemory<byte> frame)
    {
        if (_outbound.Writer.TryWrite(frame)) return;
        _outbound.Writer.TryComplete();
        _abort.Cancel();
    }

    public void Complete() => _outbound.Writer.TryComplete();

    /// <summary>The same token bucket as AkkaChat's connection (50 msgs/s, burst 100); only the read loop calls it.</summary>
    public bool TakeToken()
    {
        var now = Environment.TickCount64;
        _tokens = Math.Min(Burst, _tokens + (now - _lastRefill) / 1000.0 * RatePerSecond);
        _lastRefill = now;
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }

    public async Task RunWriterAsync()
    {
        var closing = _abort.Token;
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(closing))
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, closing);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        var status = _abort.IsCancellationRequested ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure;
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseOutputAsync(status, status == WebSocketCloseStatus.PolicyViolation ? "slow consumer: outbound queue full" : "bye", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                _socket.Abort();
            }
        }
        _abort.Cancel();
    }

    public void Dispose() => _abortWithRequest.Dispose();
}
