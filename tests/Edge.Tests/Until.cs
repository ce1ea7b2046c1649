namespace AkkaChat.Edge.Tests;

/// <summary>Awaiting a condition with a bound: a test never sleeps for a fixed time to let something happen.</summary>
public static class Until
{
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Checks <paramref name="condition"/> every <paramref name="poll"/> until it holds; throws <see cref="TimeoutException"/> after <paramref name="bound"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan bound, string what, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {bound.TotalSeconds} s: {what}");
            await Task.Delay(poll ?? DefaultPoll);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan bound, string what, TimeSpan? poll = null) =>
        TrueAsync(() => Task.FromResult(condition()), bound, what, poll);

    /// <summary>
    /// Waits until <paramref name="count"/> has not changed for <paramref name="quiet"/> (bounded): nothing more is on its
    /// way, e.g. no duplicate right behind the last delivery.
    /// </summary>
    public static async Task SettledAsync(Func<int> count, TimeSpan quiet, TimeSpan bound, string what)
    {
        var deadline = DateTime.UtcNow + bound;
        var last = count();
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < quiet)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not settle within {bound.TotalSeconds} s (now {count()})");
            await Task.Delay(DefaultPoll);
            var now = count();
            if (now != last) (last, since) = (now, DateTime.UtcNow);
        }
    }
}
