namespace AkkaChat.Edge.Auth;

using System.Threading.RateLimiting;

/// <summary>The one shape every login and registration limit takes: a fixed window of permits per key, on this node.</summary>
public static class FixedWindows
{
    /// <summary><paramref name="permits"/> per <paramref name="window"/> for <paramref name="key"/>; no limit when permits ≤ 0 (load tests).</summary>
    public static RateLimitPartition<string> Partition(string key, int permits, TimeSpan window) =>
        permits <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
}
