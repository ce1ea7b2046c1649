namespace AkkaChat.Edge.Tests.Auth;

using AkkaChat.Core.Ids;
using AkkaChat.Edge.Auth;

/// <summary>The per-mobile lockout in isolation, on a clock the test moves; and the token format it relies on.</summary>
public sealed class LoginThrottleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    [Fact]
    public void The_fifth_failure_locks_for_the_window_and_each_lockout_in_a_row_doubles_up_to_sixteen_times()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(5, Window, clock);
        for (var i = 0; i < 4; i++) Assert.Null(throttle.Failed("15550001"));
        Assert.Null(throttle.LockedFor("15550001"));
        Assert.Equal(Window, throttle.Failed("15550001"));
        Assert.Equal(Window, throttle.LockedFor("15550001"));

        var expected = new[] { 2, 4, 8, 16, 16 };
        foreach (var factor in expected)
        {
            clock.Advance(throttle.LockedFor("15550001")!.Value);
            Assert.Null(throttle.LockedFor("15550001"));
            for (var i = 0; i < 4; i++) Assert.Null(throttle.Failed("15550001"));
            Assert.Equal(Window * factor, throttle.Failed("15550001"));
        }
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_never_lock_and_a_success_forgets_the_count()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(5, Window, clock);
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(throttle.Failed("15550002"));
            clock.Advance(Window / 4);
        }
        for (var i = 0; i < 4; i++) throttle.Failed("15550003");
        throttle.Succeeded("15550003");
        for (var i = 0; i < 4; i++) Assert.Null(throttle.Failed("15550003"));
        Assert.Null(throttle.LockedFor("15550003"));
    }

    [Fact]
    public void The_table_is_bounded_and_prunes_what_no_longer_matters()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(2, Window, clock, capacity: 100);
        for (var i = 0; i < 250; i++) throttle.Failed("1555" + i);
        Assert.Equal(100, throttle.Tracked);

        clock.Advance(Window * 3);
        throttle.Failed("15559999");
        Assert.Equal(1, throttle.Tracked);
    }

    [Fact]
    public void Tokens_carry_user_stamp_and_generation_and_the_earlier_two_part_form_is_refused()
    {
        var key = new byte[32];
        var tokens = new TokenService(key, TimeSpan.FromHours(1));
        var (token, _) = tokens.Issue(new TokenClaims(new UserId(10_001), 1_795_612_300_000, 3));
        Assert.Equal(new TokenClaims(new UserId(10_001), 1_795_612_300_000, 3), tokens.Validate(token));

        var body = System.Text.Encoding.ASCII.GetBytes($"10001.{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}");
        var signature = System.Security.Cryptography.HMACSHA256.HashData(key, body);
        var legacy = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(body) + "." + Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(signature);
        Assert.Null(tokens.Validate(legacy));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
