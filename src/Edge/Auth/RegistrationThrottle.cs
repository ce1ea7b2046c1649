namespace AkkaChat.Edge.Auth;

using System.Threading.RateLimiting;

/// <summary>
/// Registration attempts per mobile, on this node (fixed windows): a taken mobile answers "already registered", so
/// unbounded attempts would let anyone probe which numbers have accounts. Idle windows are dropped by the limiter itself.
/// </summary>
public sealed class RegistrationThrottle(int perWindow, TimeSpan window) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter =
        PartitionedRateLimiter.Create<string, string>(mobile => FixedWindows.Partition(mobile, perWindow, window));

    /// <summary>Takes one attempt for <paramref name="mobile"/>; null when allowed, else how long to wait.</summary>
    public TimeSpan? Refused(string mobile)
    {
        using var lease = _limiter.AttemptAcquire(mobile);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
    }

    public void Dispose() => _limiter.Dispose();
}
