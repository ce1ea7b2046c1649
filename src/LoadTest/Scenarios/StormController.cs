namespace AkkaChat.LoadTest.Scenarios;

using AkkaChat.LoadTest.Measurement;
using AkkaChat.LoadTest.Reporting;
using AkkaChat.LoadTest.Sockets;

/// <summary>
/// Storm: every few seconds a share of the open sockets stops sending, is dropped without a close handshake
/// (a phone losing its network) and comes back after a pause; the server must then replay what it missed.
/// </summary>
public sealed class StormController(Population population, Func<SimulatedSocket, Task<TimeSpan>> reconnect, double share, TimeSpan every, TimeSpan down, int parallelism)
{
    /// <summary>Lets a dropped socket's last frames reach the server before the drop, so "lost" means lost by the server.</summary>
    private static readonly TimeSpan QuietBeforeDrop = TimeSpan.FromMilliseconds(250);

    private readonly LatencyTrack _reconnectLatency = new();
    private int _rounds;
    private int _dropped;
    private int _reconnected;
    private int _failures;

    /// <summary>Runs rounds until <paramref name="trafficDone"/> completes; the round in progress always finishes (sockets come back).</summary>
    public async Task RunAsync(Task trafficDone, CancellationToken ct)
    {
        while (!trafficDone.IsCompleted && !ct.IsCancellationRequested)
        {
            await Task.WhenAny(trafficDone, Task.Delay(every, ct));
            if (trafficDone.IsCompleted) break;
            await RoundAsync(ct);
        }
    }

    public StormResult Result() => new()
    {
        Rounds = _rounds,
        Dropped = _dropped,
        Reconnected = _reconnected,
        ReconnectFailures = _failures,
        ReconnectLatencyMs = _reconnectLatency.Summary(),
    };

    private async Task RoundAsync(CancellationToken ct)
    {
        var open = population.Sockets.Where(s => s.IsOpen).ToArray();
        var victims = open.OrderBy(_ => Random.Shared.Next()).Take((int)Math.Ceiling(open.Length * share)).ToArray();
        if (victims.Length == 0) return;
        _rounds++;
        foreach (var s in victims) s.Drain();
        await Task.Delay(QuietBeforeDrop, ct);
        foreach (var s in victims) s.Abort();
        _dropped += victims.Length;
        await Task.Delay(down, ct);
        await Parallel.ForEachAsync(victims, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (s, _) =>
        {
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                try
                {
                    var took = await reconnect(s);
                    _reconnectLatency.Record(took.Ticks / 10);
                    Interlocked.Increment(ref _reconnected);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    if (attempt == 3) Interlocked.Increment(ref _failures);
                    else await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
                }
            }
        });
    }
}
