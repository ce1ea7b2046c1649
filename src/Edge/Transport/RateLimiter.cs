namespace AkkaChat.Edge.Transport;

/// <summary>
/// What a socket may do: send <paramref name="RatePerSecond"/> frames (<paramref name="Burst"/> at once), its user
/// twice that across all their sockets on this node (<paramref name="PerUser"/>), and, on protocol v2, stay silent at
/// most <paramref name="MissedHeartbeats"/> heartbeat intervals.
/// </summary>
public sealed record SocketLimits(double RatePerSecond, double Burst, TimeSpan HeartbeatInterval, int MissedHeartbeats, UserRateLimits PerUser)
{
    public RateLimiter NewRateLimiter() => new(RatePerSecond, Burst);
}

/// <summary>
/// One token bucket per user with open sockets on this node, shared by those sockets, so opening more sockets does not
/// multiply a user's sending rate. Entries live while the user has a socket here.
/// </summary>
public sealed class UserRateLimits(double ratePerSecond, double burst)
{
    private readonly Dictionary<long, (RateLimiter Limiter, int Sockets)> _users = [];

    public void Open(long user)
    {
        lock (_users)
        {
            _users[user] = _users.TryGetValue(user, out var entry) ? (entry.Limiter, entry.Sockets + 1) : (new RateLimiter(ratePerSecond, burst), 1);
        }
    }

    public void Close(long user)
    {
        lock (_users)
        {
            if (!_users.TryGetValue(user, out var entry)) return;
            if (entry.Sockets <= 1) _users.Remove(user);
            else _users[user] = (entry.Limiter, entry.Sockets - 1);
        }
    }

    public bool TryTake(long user)
    {
        lock (_users)
        {
            return !_users.TryGetValue(user, out var entry) || entry.Limiter.TryTake();
        }
    }
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
