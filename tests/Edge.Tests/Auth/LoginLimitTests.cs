namespace AkkaChat.Edge.Tests.Auth;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Envelope = AkkaChat.Edge.Tests.Http.Envelope;
using Akka.Actor;
using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Tests.Http;
using AkkaChat.Edge.Tests.Sockets;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Password guessing is refused with HTTP 429, <c>Retry-After</c> and the <c>code:-1</c> envelope, per mobile and per
/// client address, and recovers after the window (short windows here); old password hashes are upgraded at login.
/// </summary>
public sealed class LoginLimitTests
{
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Five_failed_logins_lock_the_mobile_even_for_the_right_password_until_the_window_passes()
    {
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_MOBILE_WINDOW_MS"] = "2000" });
        var mobile = ChatSteps.NewMobile();
        using var owner = await host.NewUserAsync("owner", mobile);
        var bystanderMobile = ChatSteps.NewMobile();
        using var bystander = await host.NewUserAsync("bystander", bystanderMobile);
        using var http = new HttpClient { BaseAddress = host.BaseUri };

        for (var i = 1; i <= 5; i++)
            Envelope.RefusedWith(await Envelope.PostFormAsync(http, "/user/login", ("mobile", mobile), ("passwd", $"guess{i:000}")), "wrong mobile or password");

        using (var locked = await PostLoginAsync(http, mobile, "secret123"))
        {
            var retryAfter = AssertThrottled(locked, await locked.Content.ReadFromJsonAsync<JsonElement>(), "too many failed logins");
            Assert.InRange(retryAfter, 1, 2);
        }
        // Another mobile from the same address is not affected.
        await bystander.LogInAsync(bystanderMobile);

        var clock = Stopwatch.StartNew();
        await LoginEventuallyAsync(http, mobile, "secret123");
        Assert.True(clock.Elapsed < RecoveryBound);
    }

    [Fact]
    public async Task Logins_and_registrations_per_address_are_limited_then_recover()
    {
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?>
        {
            ["AKKACHAT_LOGIN_PER_ADDRESS"] = "3",
            ["AKKACHAT_REGISTER_PER_ADDRESS"] = "2",
            ["AKKACHAT_ADDRESS_WINDOW_MS"] = "2000",
        });
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        var mobile = ChatSteps.NewMobile();
        Envelope.Data(await Envelope.PostFormAsync(http, "/user/register", ("mobile", mobile), ("passwd", "secret123")));
        Envelope.Data(await Envelope.PostFormAsync(http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123")));
        using (var refused = await http.PostAsync("/user/register", Form(("mobile", ChatSteps.NewMobile()), ("passwd", "secret123"))))
            AssertThrottled(refused, await refused.Content.ReadFromJsonAsync<JsonElement>(), "too many attempts from your address");

        for (var i = 0; i < 3; i++) Envelope.Data(await Envelope.PostFormAsync(http, "/user/login", ("mobile", mobile), ("passwd", "secret123")));
        using (var refused = await PostLoginAsync(http, mobile, "secret123"))
            AssertThrottled(refused, await refused.Content.ReadFromJsonAsync<JsonElement>(), "too many attempts from your address");

        await LoginEventuallyAsync(http, mobile, "secret123");
    }

    [Fact]
    public async Task A_hash_with_fewer_iterations_than_configured_is_replaced_at_the_next_login()
    {
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_PBKDF2_ITERATIONS"] = "1000" });
        var mobile = ChatSteps.NewMobile();
        using (await host.NewUserAsync("rehash", mobile))
        {
        }
        Assert.Equal(1000, PasswordHasher.StoredIterations(await StoredHashAsync(host, mobile)));

        await host.RestartAsync(new Dictionary<string, string?> { ["AKKACHAT_PBKDF2_ITERATIONS"] = "3000" });
        Assert.Equal(1000, PasswordHasher.StoredIterations(await StoredHashAsync(host, mobile)));
        using var client = host.NewClient();
        await client.LogInAsync(mobile);
        Assert.Equal(3000, PasswordHasher.StoredIterations(await StoredHashAsync(host, mobile)));

        // The upgraded hash survives a restart and still takes the same password, and only that one.
        await host.RestartAsync();
        Assert.Equal(3000, PasswordHasher.StoredIterations(await StoredHashAsync(host, mobile)));
        using var afterRestart = host.NewClient();
        await afterRestart.LogInAsync(mobile);
        Envelope.RefusedWith(await afterRestart.PostAsync("/user/login", ("mobile", mobile), ("passwd", "secret124")), "wrong mobile or password");
    }

    private static async Task<string> StoredHashAsync(ChatHost host, string mobile)
    {
        var topology = host.App.Services.GetRequiredService<IChatTopology>();
        var reply = await topology.Accounts.Ask<object>(new AccountCommands.GetCredentials(mobile), TimeSpan.FromSeconds(10));
        return Assert.IsType<AccountReplies.Credentials>(reply).PasswordHash;
    }

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string mobile, string password) =>
        http.PostAsync("/user/login", Form(("mobile", mobile), ("passwd", password)));

    /// <summary>Asserts 429 with a whole-seconds Retry-After and the refusal envelope; returns the Retry-After seconds.</summary>
    private static long AssertThrottled(HttpResponseMessage response, JsonElement envelope, string reason)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Envelope.RefusedWith(envelope, reason);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } delta && delta >= TimeSpan.FromSeconds(1), $"expected Retry-After in whole seconds, got '{response.Headers.RetryAfter}'");
        return (long)retryAfter!.Value.TotalSeconds;
    }

    /// <summary>Tries the login until it succeeds (bounded): a refusal while the window lasts must be a 429.</summary>
    private static async Task LoginEventuallyAsync(HttpClient http, string mobile, string password)
    {
        var deadline = DateTime.UtcNow + RecoveryBound;
        while (true)
        {
            using var response = await PostLoginAsync(http, mobile, password);
            var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode == HttpStatusCode.OK && envelope.GetProperty("code").GetInt32() == 0) return;
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            if (DateTime.UtcNow > deadline) Assert.Fail($"the login was still refused after {RecoveryBound.TotalSeconds} s: {envelope}");
            await Task.Delay(250);
        }
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
