namespace AkkaChat.Edge.Tests.Contacts;

/// <summary>
/// <c>/contact/removefriend</c>, <c>/contact/block</c>, <c>/contact/unblock</c>, <c>/contact/blocked</c>, and what a block does
/// to 1:1 messages over a seed-000 socket: the blocked sender gets an error frame with code <c>blocked</c>.
/// </summary>
public sealed class FriendRemovalAndBlockTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private const int Direct = 10;

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task Removing_a_friend_removes_both_halves_before_replying()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        using var carol = await Host.NewUserAsync("carol");
        await alice.BefriendAsync(bob);
        await alice.BefriendAsync(carol);

        var removed = await alice.OkAsync("/contact/removefriend", ("userid", alice.Id()), ("dstid", bob.Id()));
        Assert.Equal(bob.UserId, removed.GetProperty("id").GetInt64());
        Assert.Equal("bob", removed.GetProperty("nickname").GetString());

        Assert.Equal([carol.UserId], await alice.IdsAsync("/contact/loadfriend"));
        Assert.Empty(await bob.IdsAsync("/contact/loadfriend"));
        Assert.Equal([alice.UserId], await carol.IdsAsync("/contact/loadfriend"));

        await alice.RefusedAsync("not your friend", "/contact/removefriend", ("dstid", bob.Id()));
        await bob.RefusedAsync("not your friend", "/contact/removefriend", ("dstid", alice.Id()));

        // The friendship can be made again, by either route.
        await bob.OkAsync("/contact/request", ("dstid", alice.Id()));
        await alice.OkAsync("/contact/accept", ("dstid", bob.Id()));
        Assert.Equal([alice.UserId], await bob.IdsAsync("/contact/loadfriend"));
    }

    [Fact]
    public async Task A_removed_friend_can_no_longer_message()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await bob.OkAsync("/contact/removefriend", ("dstid", alice.Id()));

        await using var socket = await alice.ConnectAsync();
        await socket.SendJsonAsync(new { id = 5, cmd = Direct, dstid = bob.UserId, media = 1, content = "still there?" });
        ContactSteps.AssertErrorFrame(await socket.NextFrameAsync(), "not-friend", 5);
    }

    [Fact]
    public async Task Bad_removals_are_refused()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var stranger = await Host.NewUserAsync("stranger");

        await alice.RefusedAsync("not your friend", "/contact/removefriend", ("dstid", stranger.Id()));
        await alice.RefusedAsync("not your friend", "/contact/removefriend", ("dstid", alice.Id()));
        await alice.RefusedAsync("dstid is required", "/contact/removefriend");
        using var anonymous = Host.NewClient();
        await anonymous.RefusedAsync("log in", "/contact/removefriend", ("dstid", stranger.Id()));
    }

    [Fact]
    public async Task Blocking_lists_the_user_and_unblocking_removes_them()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        using var carol = await Host.NewUserAsync("carol");

        var blocked = await alice.OkAsync("/contact/block", ("dstid", bob.Id()));
        Assert.Equal(bob.UserId, blocked.GetProperty("id").GetInt64());
        await alice.OkAsync("/contact/block", ("dstid", carol.Id()));
        await alice.OkAsync("/contact/block", ("dstid", bob.Id())); // again: no change

        var rows = await alice.RowsAsync("/contact/blocked");
        Assert.Equal([bob.UserId, carol.UserId], rows.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal("bob", rows[0].GetProperty("nickname").GetString());
        Assert.False(rows[0].TryGetProperty("mobile", out _));
        Assert.Empty(await bob.RowsAsync("/contact/blocked"));

        var unblocked = await alice.OkAsync("/contact/unblock", ("dstid", bob.Id()));
        Assert.Equal(bob.UserId, unblocked.GetProperty("id").GetInt64());
        Assert.Equal([carol.UserId], await alice.IdsAsync("/contact/blocked"));
    }

    [Fact]
    public async Task Bad_blocks_are_refused()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");

        await alice.RefusedAsync("yourself", "/contact/block", ("dstid", alice.Id()));
        await alice.RefusedAsync("does not exist", "/contact/block", ("dstid", "9007199254740000"));
        await alice.RefusedAsync("not blocked", "/contact/unblock", ("dstid", bob.Id()));
        await alice.RefusedAsync("dstid is required", "/contact/block");
        await alice.RefusedAsync("positive whole number", "/contact/unblock", ("dstid", "-3"));
        using var anonymous = Host.NewClient();
        await anonymous.RefusedAsync("log in", "/contact/blocked");
        Assert.Empty(await alice.RowsAsync("/contact/blocked"));
    }

    [Fact]
    public async Task A_blocked_friend_gets_a_blocked_error_frame_and_the_blocker_gets_nothing()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await bob.OkAsync("/contact/block", ("dstid", alice.Id()));

        // Blocking keeps the friendship: the block is what refuses the message.
        Assert.Equal([bob.UserId], await alice.IdsAsync("/contact/loadfriend"));
        Assert.Equal([alice.UserId], await bob.IdsAsync("/contact/loadfriend"));

        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendJsonAsync(new { id = 1, cmd = Direct, dstid = bob.UserId, media = 1, content = "hi" });
        ContactSteps.AssertErrorFrame(await aliceSocket.NextFrameAsync(), "blocked", 1);

        // The blocker cannot message the blocked user either, until they unblock.
        await bobSocket.SendJsonAsync(new { id = 2, cmd = Direct, dstid = alice.UserId, media = 1, content = "you're blocked" });
        ContactSteps.AssertErrorFrame(await bobSocket.NextFrameAsync(), "blocked", 2);

        await bob.OkAsync("/contact/unblock", ("dstid", alice.Id()));
        await aliceSocket.SendJsonAsync(new { id = 3, cmd = Direct, dstid = bob.UserId, media = 1, content = "hi again" });
        ContactSteps.AssertChatFrame(await bobSocket.NextFrameAsync(), Direct, alice.UserId, bob.UserId, "hi again");

        // The refused messages were never delivered.
        await bobSocket.ExpectSilenceAsync(Quiet.Window);
        await aliceSocket.ExpectSilenceAsync(Quiet.Window);
    }

    [Fact]
    public async Task A_message_to_an_offline_blocker_is_refused_and_never_delivered()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await bob.OkAsync("/contact/block", ("dstid", alice.Id()));

        await using (var aliceSocket = await alice.ConnectAsync())
        {
            await aliceSocket.SendJsonAsync(new { id = 9, cmd = Direct, dstid = bob.UserId, media = 1, content = "while you were away" });
            ContactSteps.AssertErrorFrame(await aliceSocket.NextFrameAsync(), "blocked", 9);
        }

        await bob.OkAsync("/contact/unblock", ("dstid", alice.Id()));
        await using var bobSocket = await bob.ConnectAsync();
        await bobSocket.ExpectSilenceAsync(Quiet.Window);
    }
}
