namespace AkkaChat.Edge.Tests.Contacts;

/// <summary>
/// <c>/contact/request</c>, <c>/contact/requests</c>, <c>/contact/accept</c>, <c>/contact/reject</c>: a request is open on
/// both sides before the reply, and accepting or rejecting closes it on both sides before the reply.
/// </summary>
public sealed class FriendRequestTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task A_request_is_listed_on_both_sides_and_accepting_makes_friends_both_ways()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");

        var sent = await alice.OkAsync("/contact/request", ("userid", alice.Id()), ("dstid", bob.Id()), ("memo", "we met at the meetup"));
        Assert.Equal(alice.UserId, sent.GetProperty("userid").GetInt64());
        Assert.Equal(bob.UserId, sent.GetProperty("dstid").GetInt64());
        Assert.Equal("we met at the meetup", sent.GetProperty("memo").GetString());
        Assert.Equal("out", sent.GetProperty("direction").GetString());
        Assert.Equal("pending", sent.GetProperty("status").GetString());
        Assert.Equal("bob", sent.GetProperty("peer").GetProperty("nickname").GetString());
        Assert.False(sent.GetProperty("peer").TryGetProperty("mobile", out _));

        Assert.Equal([("out", alice.UserId, bob.UserId)], await alice.RequestsAsync());
        var incoming = Assert.Single(await bob.RowsAsync("/contact/requests"));
        Assert.Equal("in", incoming.GetProperty("direction").GetString());
        Assert.Equal(alice.UserId, incoming.GetProperty("userid").GetInt64());
        Assert.Equal("we met at the meetup", incoming.GetProperty("memo").GetString());
        Assert.Equal("alice", incoming.GetProperty("peer").GetProperty("nickname").GetString());
        Assert.Empty(await alice.IdsAsync("/contact/loadfriend"));

        var accepted = await bob.OkAsync("/contact/accept", ("dstid", alice.Id()));
        Assert.Equal(alice.UserId, accepted.GetProperty("id").GetInt64());

        Assert.Equal([bob.UserId], await alice.IdsAsync("/contact/loadfriend"));
        Assert.Equal([alice.UserId], await bob.IdsAsync("/contact/loadfriend"));
        Assert.Empty(await alice.RequestsAsync());
        Assert.Empty(await bob.RequestsAsync());

        // Accepting again is answered the same way; a new request between friends is refused.
        await bob.OkAsync("/contact/accept", ("dstid", alice.Id()));
        await alice.RefusedAsync("already your friend", "/contact/request", ("dstid", bob.Id()));
    }

    [Fact]
    public async Task Rejecting_closes_the_request_on_both_sides_and_the_requester_may_ask_again()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.OkAsync("/contact/request", ("dstid", bob.Id()));

        var rejected = await bob.OkAsync("/contact/reject", ("dstid", alice.Id()));
        Assert.Equal(alice.UserId, rejected.GetProperty("id").GetInt64());

        Assert.Empty(await bob.RequestsAsync());
        Assert.Empty(await alice.RequestsAsync());
        Assert.Empty(await alice.IdsAsync("/contact/loadfriend"));
        Assert.Empty(await bob.IdsAsync("/contact/loadfriend"));
        await bob.RefusedAsync("has not sent you a friend request", "/contact/reject", ("dstid", alice.Id()));
        await bob.RefusedAsync("has not sent you a friend request", "/contact/accept", ("dstid", alice.Id()));

        await alice.OkAsync("/contact/request", ("dstid", bob.Id()), ("memo", "second try"));
        var again = Assert.Single(await bob.RowsAsync("/contact/requests"));
        Assert.Equal("second try", again.GetProperty("memo").GetString());
    }

    [Fact]
    public async Task Asking_someone_who_already_asked_you_accepts_their_request()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.OkAsync("/contact/request", ("dstid", bob.Id()));

        var back = await bob.OkAsync("/contact/request", ("dstid", alice.Id()));
        Assert.Equal("accepted", back.GetProperty("status").GetString());

        Assert.Equal([bob.UserId], await alice.IdsAsync("/contact/loadfriend"));
        Assert.Equal([alice.UserId], await bob.IdsAsync("/contact/loadfriend"));
        Assert.Empty(await alice.RequestsAsync());
        Assert.Empty(await bob.RequestsAsync());
    }

    [Fact]
    public async Task Adding_someone_who_asked_you_with_the_seed_add_closes_their_request()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.OkAsync("/contact/request", ("dstid", bob.Id()));

        await bob.BefriendAsync(alice);

        Assert.Equal([bob.UserId], await alice.IdsAsync("/contact/loadfriend"));
        Assert.Empty(await alice.RequestsAsync());
        Assert.Empty(await bob.RequestsAsync());
    }

    [Fact]
    public async Task Sending_the_same_request_twice_keeps_one_request()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");

        var replies = await Task.WhenAll(
            alice.OkAsync("/contact/request", ("dstid", bob.Id()), ("memo", "hi")),
            alice.OkAsync("/contact/request", ("dstid", bob.Id()), ("memo", "hi")));
        Assert.All(replies, r => Assert.Equal("pending", r.GetProperty("status").GetString()));

        Assert.Equal([("out", alice.UserId, bob.UserId)], await alice.RequestsAsync());
        Assert.Equal([("in", alice.UserId, bob.UserId)], await bob.RequestsAsync());
    }

    [Fact]
    public async Task Lists_hold_incoming_and_outgoing_requests_of_several_users()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        using var carol = await Host.NewUserAsync("carol");
        await bob.OkAsync("/contact/request", ("dstid", alice.Id()));
        await alice.OkAsync("/contact/request", ("dstid", carol.Id()));

        var requests = await alice.RequestsAsync();
        Assert.Equal(2, requests.Length);
        Assert.Contains(("in", bob.UserId, alice.UserId), requests);
        Assert.Contains(("out", alice.UserId, carol.UserId), requests);
        Assert.Equal("in", requests[0].Direction); // incoming first
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_a_reason()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        using var carol = await Host.NewUserAsync("carol");

        await alice.RefusedAsync("yourself", "/contact/request", ("dstid", alice.Id()));
        await alice.RefusedAsync("does not exist", "/contact/request", ("dstid", "9007199254740000"));
        await alice.RefusedAsync("already your friend", "/contact/request", ("dstid", bob.Id()));
        await alice.RefusedAsync("dstid is required", "/contact/request");
        await alice.RefusedAsync("positive whole number", "/contact/request", ("dstid", "abc"));
        await alice.RefusedAsync("too long", "/contact/request", ("dstid", carol.Id()), ("memo", new string('m', 281)));
        await alice.RefusedAsync("is not the logged-in user", "/contact/request", ("userid", bob.Id()), ("dstid", carol.Id()));
        await alice.RefusedAsync("has not sent you a friend request", "/contact/accept", ("dstid", carol.Id()));
        await alice.RefusedAsync("has not sent you a friend request", "/contact/reject", ("dstid", carol.Id()));
        await alice.RefusedAsync("dstid is required", "/contact/accept");

        using var anonymous = Host.NewClient();
        await anonymous.RefusedAsync("log in", "/contact/request", ("dstid", bob.Id()));
        await anonymous.RefusedAsync("log in", "/contact/requests");

        Assert.Empty(await alice.RequestsAsync());
        Assert.Empty(await carol.RequestsAsync());
    }

    [Fact]
    public async Task A_user_who_blocked_you_refuses_your_request_and_your_direct_add()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await bob.OkAsync("/contact/block", ("dstid", alice.Id()));

        await alice.RefusedAsync("does not accept", "/contact/request", ("dstid", bob.Id()));
        await alice.RefusedAsync("does not accept", "/contact/addfriend", ("dstid", bob.Id()));

        Assert.Empty(await alice.RequestsAsync());
        Assert.Empty(await bob.RequestsAsync());
        Assert.Empty(await alice.IdsAsync("/contact/loadfriend"));
        Assert.Empty(await bob.IdsAsync("/contact/loadfriend"));

        // Once unblocked, both work again.
        await bob.OkAsync("/contact/unblock", ("dstid", alice.Id()));
        await alice.OkAsync("/contact/request", ("dstid", bob.Id()));
        await alice.BefriendAsync(bob);
        Assert.Equal([alice.UserId], await bob.IdsAsync("/contact/loadfriend"));
    }

    [Fact]
    public async Task You_cannot_request_or_accept_someone_you_blocked()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await bob.OkAsync("/contact/request", ("dstid", alice.Id()));

        // Blocking rejects their open request on both sides.
        await alice.OkAsync("/contact/block", ("dstid", bob.Id()));
        Assert.Empty(await alice.RequestsAsync());
        Assert.Empty(await bob.RequestsAsync());

        await alice.RefusedAsync("unblock them first", "/contact/request", ("dstid", bob.Id()));
        await alice.RefusedAsync("has not sent you a friend request", "/contact/accept", ("dstid", bob.Id()));
    }
}
