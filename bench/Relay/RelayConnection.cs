namespace AkkaChat.Bench.Relay;

using System.Net.WebSockets;
using System.Threading.Channels;

/// <summary>
/// One socket's outbound side, as in AkkaChat: a bounded queue drained by one writer loop; a reader too slow
/// to keep the queue below its bound is disconnected (1008), never buffered without bound.
/// </summary>
public sealed class RelayConnection(WebSocket socket)
{
    public const int OutboundQueue = 1024;
    private const double RatePerSecond = 50;
    private const double Burst = 100;

    private readonly Channel<ReadOnlyMemory<byte>> _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(OutboundQueue) { SingleReader = true, SingleWriter = false });
    private readonly CancellationTokenSource _abort = new();
    private double _tokens = Burst;
    private long _lastRefill = Environment.TickCount64;

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

    public async Task RunWriterAsync(CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _abort.Token);
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(linked.Token))
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        var status = _abort.IsCancellationRequested ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure;
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseOutputAsync(status, status == WebSocketCloseStatus.PolicyViolation ? "slow consumer: outbound queue full" : "bye", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                socket.Abort();
            }
        }
        _abort.Cancel();
    }
}
