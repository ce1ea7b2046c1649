namespace AkkaChat.Edge.Sockets;

/// <summary>
/// What a socket may do: send <paramref name="RatePerSecond"/> messages (<paramref name="Burst"/> at once) and, on
/// protocol v2, stay silent at most <paramref name="MissedHeartbeats"/> heartbeat intervals.
/// </summary>
public sealed record SocketLimits(double RatePerSecond, double Burst, TimeSpan HeartbeatInterval, int MissedHeartbeats)
{
    public RateLimiter NewRateLimiter() => new(RatePerSecond, Burst);
}

/// <summary>A token bucket: a sustained rate per second with a burst allowance. Single-threaded (one actor).</summary>
public sealed class RateLimiter
{
    private readonly double _ratePerSecond;
    private readonly double _burst;
    private double _tokens;
    private long _lastRefill = Environment.TickCount64;

    public RateLimiter(double ratePerSecond, double burst)
    {
        _ratePerSecond = ratePerSecond;
        _burst = burst;
        _tokens = burst;
    }

    public bool TryTake()
    {
        var now = Environment.TickCount64;
        _tokens = Math.Min(_burst, _tokens + (now - _lastRefill) / 1000.0 * _ratePerSecond);
        _lastRefill = now;
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }
}
