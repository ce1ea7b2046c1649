namespace AkkaChat.Edge.Tests.Http;

/// <summary>
/// <c>/contact/addfriend</c> (alias <c>/user/addfriend</c>) and <c>/contact/loadfriend</c> (alias <c>/contact/friend</c>):
/// friendship is stored both ways before the reply, and adding again changes nothing.
/// </summary>
public sealed class FriendTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    [Theory]
    [InlineData("/contact/addfriend")]
    [InlineData("/user/addfriend")]
    public async Task Adding_a_friend_links_both_users_before_replying(string path)
    {
        using var alice = await fixture.Host.NewUserAsync("alice");
        using var bob = await fixture.Host.NewUserAsync("bob");

        var added = Envelope.Data(await alice.PostAsync(path, ("userid", alice.UserId.Text()), ("dstid", bob.UserId.Text())));
        Assert.Equal(bob.UserId, added.GetProperty("id").GetInt64());
        Assert.Equal("bob", added.GetProperty("nickname").GetString());
        Assert.False(added.TryGetProperty("mobile", out _));

        var alicesFriend = Assert.Single(Envelope.Rows(await alice.PostAsync("/contact/loadfriend", ("userid", alice.UserId.Text()))));
        Assert.Equal(bob.UserId, alicesFriend.GetProperty("id").GetInt64());
        Assert.Equal("bob", alicesFriend.GetProperty("nickname").GetString());

        // The other direction is already stored when the first request has been answered.
        var bobsFriend = Assert.Single(Envelope.Rows(await bob.PostAsync("/contact/loadfriend", ("userid", bob.UserId.Text()))));
        Assert.Equal(alice.UserId, bobsFriend.GetProperty("id").GetInt64());
        Assert.Equal("alice", bobsFriend.GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task Adding_the_same_friend_again_is_accepted_and_lists_them_once()
    {
        using var alice = await fixture.Host.NewUserAsync();
        using var bob = await fixture.Host.NewUserAsync();

        Envelope.Data(await alice.PostAsync("/contact/addfriend", ("dstid", bob.UserId.Text())));
        var again = Envelope.Data(await alice.PostAsync("/contact/addfriend", ("dstid", bob.UserId.Text())));
        Assert.Equal(bob.UserId, again.GetProperty("id").GetInt64());
        var reverse = Envelope.Data(await bob.PostAsync("/user/addfriend", ("dstid", alice.UserId.Text())));
        Assert.Equal(alice.UserId, reverse.GetProperty("id").GetInt64());

        Assert.Equal(bob.UserId, Assert.Single(Envelope.Rows(await alice.PostAsync("/contact/loadfriend"))).GetProperty("id").GetInt64());
        Assert.Equal(alice.UserId, Assert.Single(Envelope.Rows(await bob.PostAsync("/contact/loadfriend"))).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Concurrent_adds_in_both_directions_leave_one_friendship()
    {
        using var alice = await fixture.Host.NewUserAsync();
        using var bob = await fixture.Host.NewUserAsync();

        var replies = await Task.WhenAll(
            alice.PostAsync("/contact/addfriend", ("dstid", bob.UserId.Text())),
            bob.PostAsync("/contact/addfriend", ("dstid", alice.UserId.Text())),
            alice.PostAsync("/user/addfriend", ("dstid", bob.UserId.Text())));
        foreach (var reply in replies) Envelope.Data(reply);

        Assert.Equal(bob.UserId, Assert.Single(Envelope.Rows(await alice.PostAsync("/contact/loadfriend"))).GetProperty("id").GetInt64());
        Assert.Equal(alice.UserId, Assert.Single(Envelope.Rows(await bob.PostAsync("/contact/loadfriend"))).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Adding_yourself_is_refused()
    {
        using var alice = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await alice.PostAsync("/contact/addfriend", ("userid", alice.UserId.Text()), ("dstid", alice.UserId.Text())), "yourself");
        Assert.Empty(Envelope.Rows(await alice.PostAsync("/contact/loadfriend")));
    }

    [Fact]
    public async Task Adding_an_unknown_user_is_refused_and_leaves_no_friend()
    {
        using var alice = await fixture.Host.NewUserAsync();
        var unknown = Envelope.MaxSafeId - 7;
        Envelope.RefusedWith(await alice.PostAsync("/contact/addfriend", ("dstid", unknown.Text())), "does not exist");
        Assert.Empty(Envelope.Rows(await alice.PostAsync("/contact/loadfriend")));

        // The refusal did not leave the unknown id half-linked: the next real add still works.
        using var bob = await fixture.Host.NewUserAsync();
        Envelope.Data(await alice.PostAsync("/contact/addfriend", ("dstid", bob.UserId.Text())));
        Assert.Equal(bob.UserId, Assert.Single(Envelope.Rows(await alice.PostAsync("/contact/loadfriend"))).GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("9007199254740992")]
    public async Task A_dstid_that_is_not_a_user_id_is_refused(string dstid)
    {
        using var alice = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await alice.PostAsync("/contact/addfriend", ("dstid", dstid)), "dstid must be a positive whole number");
    }

    [Fact]
    public async Task A_missing_dstid_is_refused()
    {
        using var alice = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await alice.PostAsync("/contact/addfriend"), "dstid is required");
    }

    [Fact]
    public async Task Adding_a_friend_works_with_a_json_body()
    {
        using var alice = await fixture.Host.NewUserAsync();
        using var bob = await fixture.Host.NewUserAsync();
        var added = Envelope.Data(await Envelope.PostJsonAsync(alice.Http, "/contact/addfriend", new { userid = alice.UserId, dstid = bob.UserId }));
        Assert.Equal(bob.UserId, added.GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("/contact/loadfriend")]
    [InlineData("/contact/friend")]
    public async Task A_user_without_friends_gets_an_empty_list(string path)
    {
        using var loner = await fixture.Host.NewUserAsync();
        var envelope = await loner.PostAsync(path, ("userid", loner.UserId.Text()));
        Assert.Empty(Envelope.Rows(envelope));
        Assert.Equal(0, envelope.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/contact/loadfriend")]
    [InlineData("/contact/friend")]
    public async Task The_friend_list_holds_every_friend_with_public_profiles_only(string path)
    {
        using var hub = await fixture.Host.NewUserAsync("hub");
        var friends = new List<ChatClient>();
        try
        {
            for (var i = 0; i < 3; i++) friends.Add(await fixture.Host.NewUserAsync("friend" + i));
            foreach (var friend in friends) Envelope.Data(await hub.PostAsync("/contact/addfriend", ("dstid", friend.UserId.Text())));

            var envelope = await hub.PostAsync(path);
            var rows = Envelope.Rows(envelope);
            Assert.Equal(3, envelope.GetProperty("total").GetInt32());
            Assert.Equal(friends.Select(f => f.UserId).Order(), rows.Select(r => r.GetProperty("id").GetInt64()).Order());
            Assert.Equal(["friend0", "friend1", "friend2"], rows.Select(r => r.GetProperty("nickname").GetString()).Order(StringComparer.Ordinal));
            foreach (var row in rows)
            {
                Assert.False(row.TryGetProperty("mobile", out _));
                Assert.False(row.TryGetProperty("token", out _));
            }
        }
        finally
        {
            foreach (var friend in friends) friend.Dispose();
        }
    }
}
