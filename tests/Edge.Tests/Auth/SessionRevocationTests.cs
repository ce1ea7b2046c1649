namespace AkkaChat.Edge.Tests.Auth;

using System.Net.WebSockets;
using AkkaChat.Edge.Tests.Http;
using AkkaChat.Edge.Tests.Sockets;
using AkkaChat.Edge.Tests.V2;

/// <summary>
/// Tokens are bound to the account's current session: a token of a user this data set does not have (a reset with the
/// same secret), a logged-out session and a session from before a password change are refused on HTTP (<c>code:-1</c>)
/// and on both socket protocols (401 before the upgrade); revoking closes the user's open sockets.
/// </summary>
public sealed class SessionRevocationTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_token_from_another_data_set_with_the_same_secret_is_refused_even_when_its_user_id_exists_there()
    {
        var secret = new Dictionary<string, string?> { ["AKKACHAT_SECRET"] = "a shared secret of at least thirty-two characters" };
        await using var before = await ChatHost.StartAsync(secret);
        using var alice = await before.NewUserAsync("alice");
        await SessionChecks.AssertAcceptedAsync(before.BaseUri, alice.Token, alice.UserId);

        // The "reset": a node with the same secret on a fresh data directory, where that user does not exist.
        await using var after = await ChatHost.StartAsync(secret);
        await SessionChecks.AssertRefusedEverywhereAsync(after.BaseUri, alice.Token, alice.UserId);

        // Ids restart too: someone else gets alice's id, and her old token still does not open their account.
        using var mallory = await after.NewUserAsync("mallory");
        Assert.Equal(alice.UserId, mallory.UserId);
        await SessionChecks.AssertRefusedEverywhereAsync(after.BaseUri, alice.Token, alice.UserId);
        await SessionChecks.AssertAcceptedAsync(after.BaseUri, mallory.Token, mallory.UserId);
    }

    [Fact]
    public async Task Logout_clears_the_cookie_ends_every_session_and_closes_open_sockets()
    {
        var mobile = ChatSteps.NewMobile();
        using var phone = fixture.Host.NewClient();
        await phone.SignUpAsync(mobile, "nina");
        using var laptop = fixture.Host.NewClient();
        await laptop.LogInAsync(mobile);
        await using var seedSocket = await laptop.OpenAsync("nina/laptop");
        await using var v2Socket = await laptop.ConnectSyncedV2Async();

        using var response = await phone.Http.PostAsync("/user/logout", new FormUrlEncodedContent([]));
        var loggedOut = await Envelope.ReadAsync(response);
        Assert.True(loggedOut.GetProperty("code").GetInt32() == 0, "logout refused: " + loggedOut);
        var cleared = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("akkachat_token=", StringComparison.Ordinal));
        Assert.StartsWith("akkachat_token=;", cleared);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);

        // Both devices' sockets are closed (1008; a socket closed for a policy is dropped at once for now, so no close frame may arrive).
        Assert.True(await seedSocket.ClosedAsync(Bound) is null or WebSocketCloseStatus.PolicyViolation, "the seed-000 socket closed with another status");
        await AssertClosedAsync(v2Socket);

        await SessionChecks.AssertRefusedEverywhereAsync(fixture.Host.BaseUri, phone.Token, phone.UserId);
        await SessionChecks.AssertRefusedEverywhereAsync(fixture.Host.BaseUri, laptop.Token, laptop.UserId);
        Envelope.RefusedWith(await phone.PostAsync("/contact/loadfriend"), "log in");

        // Logging in again starts a session that works.
        await phone.LogInAsync(mobile);
        await SessionChecks.AssertAcceptedAsync(fixture.Host.BaseUri, phone.Token, phone.UserId);
    }

    [Fact]
    public async Task A_password_change_needs_the_old_password_ends_old_sessions_and_hands_a_new_token()
    {
        var mobile = ChatSteps.NewMobile();
        using var phone = fixture.Host.NewClient();
        await phone.SignUpAsync(mobile, "omar");
        using var laptop = fixture.Host.NewClient();
        await laptop.LogInAsync(mobile);
        await using var laptopSocket = await laptop.OpenAsync("omar/laptop");

        Envelope.RefusedWith(await phone.PostAsync("/user/passwd", ("oldpasswd", "not-it-at-all"), ("passwd", "newsecret1")), "oldpasswd");
        Envelope.RefusedWith(await phone.PostAsync("/user/passwd", ("oldpasswd", "secret123"), ("passwd", "short")), "at least 6");
        Envelope.RefusedWith(await phone.PostAsync("/user/passwd", ("oldpasswd", "secret123"), ("passwd", "newsecret1"), ("passwdr", "newsecret2")), "do not match");
        await SessionChecks.AssertAcceptedAsync(fixture.Host.BaseUri, laptop.Token, laptop.UserId);

        var changed = Envelope.Data(await phone.PostAsync("/user/passwd", ("oldpasswd", "secret123"), ("passwd", "newsecret1")));
        var fresh = changed.GetProperty("token").GetString()!;
        Assert.Equal(phone.UserId, changed.GetProperty("id").GetInt64());

        Assert.True(await laptopSocket.ClosedAsync(Bound) is null or WebSocketCloseStatus.PolicyViolation, "the socket closed with another status");
        await SessionChecks.AssertRefusedEverywhereAsync(fixture.Host.BaseUri, phone.Token, phone.UserId);
        await SessionChecks.AssertRefusedEverywhereAsync(fixture.Host.BaseUri, laptop.Token, laptop.UserId);
        await SessionChecks.AssertAcceptedAsync(fixture.Host.BaseUri, fresh, phone.UserId);
        // The reply set the new cookie too: the phone goes on without logging in.
        Envelope.Rows(await phone.PostAsync("/contact/loadfriend"));

        using var anonymous = fixture.Host.CookielessClient();
        Envelope.RefusedWith(await Envelope.PostFormAsync(anonymous, "/user/login", ("mobile", mobile), ("passwd", "secret123")), "wrong mobile or password");
        await laptop.LogInAsync(mobile, "newsecret1");
        await SessionChecks.AssertAcceptedAsync(fixture.Host.BaseUri, laptop.Token, laptop.UserId);
    }

    /// <summary>The server ends the socket: a close frame (1008) or a dropped connection, within the bound.</summary>
    private static async Task AssertClosedAsync(ChatSocket socket)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var (type, _) = await socket.ReceiveAsync(deadline - DateTime.UtcNow);
                if (type != WebSocketMessageType.Close) continue;
                Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.Socket.CloseStatus);
                return;
            }
            catch (WebSocketException)
            {
                return;
            }
        }
        Assert.Fail("the v2 socket stayed open after the sessions were revoked");
    }
}
