namespace AkkaChat.Edge.Auth;

/// <summary>
/// Failed logins per mobile, on this node: after <c>limit</c> failures within <c>window</c> the mobile is locked for
/// <c>window</c>, twice as long after each further lockout (at most 16×); a successful login forgets it. While locked,
/// even the right password is refused, so guessing stops paying. Bounded: past <c>capacity</c> mobiles, entries that
/// no longer matter are pruned, and if all still matter new mobiles are not tracked (the per-address limit still is).
/// </summary>
public sealed class LoginThrottle(int limit, TimeSpan window, TimeProvider? clock = null, int capacity = LoginThrottle.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;
    private const int MaxBackoffDoublings = 4;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _gate = new();

    public bool Enabled => limit > 0;

    /// <summary>How long logins of <paramref name="mobile"/> stay refused, or null when they may be tried.</summary>
    public TimeSpan? LockedFor(string mobile)
    {
        if (!Enabled) return null;
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            return _entries.TryGetValue(mobile, out var e) && e.LockedUntil > now ? e.LockedUntil - now : null;
        }
    }

    /// <summary>Counts a failed login; returns how long the mobile is now locked, or null when it is not.</summary>
    public TimeSpan? Failed(string mobile)
    {
        if (!Enabled) return null;
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            if (!_entries.TryGetValue(mobile, out var e))
            {
                if (_entries.Count >= capacity) Prune(now);
                if (_entries.Count >= capacity) return null;
                e = new Entry(0, now, 0, DateTimeOffset.MinValue);
            }
            if (now >= e.WindowStart + window)
            {
                // A fresh window; lockouts in a row keep doubling only while failures come back soon after the last one.
                var lockouts = now < e.LockedUntil + window ? e.Lockouts : 0;
                e = new Entry(0, now, lockouts, e.LockedUntil);
            }
            e = e with { Failures = e.Failures + 1 };
            if (e.Failures >= limit)
            {
                var lockFor = window * (1 << Math.Min(e.Lockouts, MaxBackoffDoublings));
                e = new Entry(0, now + lockFor, e.Lockouts + 1, now + lockFor);
            }
            _entries[mobile] = e;
            return e.LockedUntil > now ? e.LockedUntil - now : null;
        }
    }

    public void Succeeded(string mobile)
    {
        if (!Enabled) return;
        lock (_gate) _entries.Remove(mobile);
    }

    public int Tracked
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (mobile, e) in _entries)
        {
            var relevantUntil = (e.LockedUntil > e.WindowStart + window ? e.LockedUntil : e.WindowStart + window) + window;
            if (now >= relevantUntil) _entries.Remove(mobile);
        }
    }

    /// <param name="WindowStart">When the current counting window began (after a lockout: when it ends).</param>
    private sealed record Entry(int Failures, DateTimeOffset WindowStart, int Lockouts, DateTimeOffset LockedUntil);
}
