namespace AkkaChat.Edge.Tests.Contacts;

/// <summary>Requests, blocks, removed friendships, memberships and ownership survive a restart of the node on the same database.</summary>
public sealed class ContactRestartTests
{
    private const int Direct = 10;

    [Fact]
    public async Task Requests_blocks_and_memberships_are_kept_across_a_restart()
    {
        await using var host = await ChatHost.StartAsync();
        var mobiles = new Dictionary<string, string>();
        var ids = new Dictionary<string, long>();
        async Task<ChatClient> SignUp(string name)
        {
            mobiles[name] = ChatSteps.NewMobile();
            var client = host.NewClient();
            ids[name] = await client.SignUpAsync(mobiles[name], name);
            return client;
        }

        long room;
        using (var alice = await SignUp("alice"))
        using (var bob = await SignUp("bob"))
        using (var carol = await SignUp("carol"))
        using (var dave = await SignUp("dave"))
        {
            await alice.OkAsync("/contact/request", ("dstid", bob.Id()), ("memo", "remember me"));
            await carol.BefriendAsync(alice);
            await carol.OkAsync("/contact/block", ("dstid", alice.Id()));
            await dave.BefriendAsync(bob);
            await dave.OkAsync("/contact/removefriend", ("dstid", bob.Id()));

            room = await carol.CreateRoomAsync("kept");
            await bob.JoinRoomAsync(room);
            await dave.JoinRoomAsync(room);
            await alice.JoinRoomAsync(room);
            await dave.OkAsync("/contact/leavecommunity", ("dstid", room.Text()));
            await carol.OkAsync("/contact/removemember", ("dstid", room.Text()), ("memberid", alice.Id()));
            await carol.OkAsync("/contact/transfer", ("dstid", room.Text()), ("memberid", bob.Id()));
        }

        await host.RestartAsync();

        using var alice2 = host.NewClient();
        await alice2.LogInAsync(mobiles["alice"]);
        using var bob2 = host.NewClient();
        await bob2.LogInAsync(mobiles["bob"]);
        using var carol2 = host.NewClient();
        await carol2.LogInAsync(mobiles["carol"]);
        using var dave2 = host.NewClient();
        await dave2.LogInAsync(mobiles["dave"]);

        // The open request, on both sides, with its memo.
        Assert.Equal([("out", ids["alice"], ids["bob"])], await alice2.RequestsAsync());
        var incoming = Assert.Single(await bob2.RowsAsync("/contact/requests"));
        Assert.Equal("remember me", incoming.GetProperty("memo").GetString());

        // The block: still listed, still refusing messages and requests, and the friendship is still there.
        Assert.Equal([ids["alice"]], await carol2.IdsAsync("/contact/blocked"));
        Assert.Equal([ids["carol"]], await alice2.IdsAsync("/contact/loadfriend"));
        await alice2.RefusedAsync("already your friend", "/contact/request", ("dstid", ids["carol"].Text()));
        await using (var socket = await alice2.ConnectAsync())
        {
            await socket.SendJsonAsync(new { id = 7, cmd = Direct, dstid = ids["carol"], media = 1, content = "after the restart" });
            ContactSteps.AssertErrorFrame(await socket.NextFrameAsync(), "blocked", 7);
        }

        // The removed friendship, both halves.
        Assert.Empty(await dave2.IdsAsync("/contact/loadfriend"));
        Assert.DoesNotContain(ids["dave"], await bob2.IdsAsync("/contact/loadfriend"));

        // Membership and ownership, on the room's side and on each user's side.
        Assert.Equal([ids["bob"], ids["carol"]], await bob2.IdsAsync("/contact/members", ("dstid", room.Text())));
        Assert.Empty(await dave2.IdsAsync("/contact/loadcommunity"));
        Assert.Empty(await alice2.IdsAsync("/contact/loadcommunity"));
        Assert.Equal(ids["bob"], (await carol2.RowsAsync("/contact/loadcommunity")).Single().GetProperty("ownerid").GetInt64());
        await carol2.OkAsync("/contact/leavecommunity", ("dstid", room.Text()));
        await bob2.RefusedAsync("transfer ownership", "/contact/leavecommunity", ("dstid", room.Text()));

        // The request can still be answered after the restart.
        await bob2.OkAsync("/contact/accept", ("dstid", ids["alice"].Text()));
        Assert.Contains(ids["bob"], await alice2.IdsAsync("/contact/loadfriend"));
        Assert.Empty(await alice2.RequestsAsync());
    }
}
