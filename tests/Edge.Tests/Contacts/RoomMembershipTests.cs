namespace AkkaChat.Edge.Tests.Contacts;

/// <summary>
/// <c>/contact/leavecommunity</c>, <c>/contact/removemember</c>, <c>/contact/transfer</c>, <c>/contact/members</c>: the room and
/// the user both record a change before the reply, and a removed member's open socket stops receiving the room.
/// </summary>
public sealed class RoomMembershipTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private const int Room = 11;

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task A_member_leaves_the_room_and_the_room_leaves_their_list()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        var room = await owner.CreateRoomAsync("garden");
        var other = await owner.CreateRoomAsync("attic");
        await bob.JoinRoomAsync(room);
        await bob.JoinRoomAsync(other);
        Assert.Equal([owner.UserId, bob.UserId], await owner.IdsAsync("/contact/members", ("dstid", room.Text())));

        var left = await bob.OkAsync("/contact/leavecommunity", ("userid", bob.Id()), ("dstid", room.Text()));
        Assert.Equal(room, left.GetProperty("id").GetInt64());
        Assert.Equal("garden", left.GetProperty("name").GetString());

        Assert.Equal([other], await bob.IdsAsync("/contact/loadcommunity"));
        Assert.Equal([owner.UserId], await owner.IdsAsync("/contact/members", ("dstid", room.Text())));
        await bob.RefusedAsync("not a member", "/contact/members", ("dstid", room.Text()));
        await bob.RefusedAsync("not a member", "/contact/leavecommunity", ("dstid", room.Text()));

        // A former member's messages are refused; joining again works.
        await using (var socket = await bob.ConnectAsync())
        {
            await socket.SendJsonAsync(new { id = 4, cmd = Room, dstid = room, media = 1, content = "hello?" });
            ContactSteps.AssertErrorFrame(await socket.NextFrameAsync(), "not-member", 4);
        }
        await bob.JoinRoomAsync(room);
        Assert.Equal(new[] { other, room }.Order(), (await bob.IdsAsync("/contact/loadcommunity")).Order());
        Assert.Equal([owner.UserId, bob.UserId], await owner.IdsAsync("/contact/members", ("dstid", room.Text())));
    }

    [Fact]
    public async Task The_owner_cannot_leave_and_unknown_rooms_are_refused()
    {
        using var owner = await Host.NewUserAsync("owner");
        var room = await owner.CreateRoomAsync("keep");

        await owner.RefusedAsync("transfer ownership", "/contact/leavecommunity", ("dstid", room.Text()));
        await owner.RefusedAsync("does not exist", "/contact/leavecommunity", ("dstid", "9007199254740000"));
        await owner.RefusedAsync("dstid is required", "/contact/leavecommunity");
        using var anonymous = Host.NewClient();
        await anonymous.RefusedAsync("log in", "/contact/leavecommunity", ("dstid", room.Text()));
        Assert.Equal([room], await owner.IdsAsync("/contact/loadcommunity"));
    }

    [Fact]
    public async Task The_owner_removes_a_member_from_both_sides()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        using var carol = await Host.NewUserAsync("carol");
        var room = await owner.CreateRoomAsync("club");
        await bob.JoinRoomAsync(room);
        await carol.JoinRoomAsync(room);

        var reply = await owner.OkAsync("/contact/removemember", ("dstid", room.Text()), ("memberid", bob.Id()));
        Assert.Equal(room, reply.GetProperty("id").GetInt64());

        Assert.Empty(await bob.IdsAsync("/contact/loadcommunity"));
        Assert.Equal([owner.UserId, carol.UserId], await carol.IdsAsync("/contact/members", ("dstid", room.Text())));
        await bob.RefusedAsync("not a member", "/contact/members", ("dstid", room.Text()));
    }

    [Fact]
    public async Task Only_the_owner_removes_and_only_other_members()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        using var carol = await Host.NewUserAsync("carol");
        using var stranger = await Host.NewUserAsync("stranger");
        var room = await owner.CreateRoomAsync("strict");
        await bob.JoinRoomAsync(room);
        await carol.JoinRoomAsync(room);

        await bob.RefusedAsync("only the room's owner", "/contact/removemember", ("dstid", room.Text()), ("memberid", carol.Id()));
        await owner.RefusedAsync("cannot remove themself", "/contact/removemember", ("dstid", room.Text()), ("memberid", owner.Id()));
        await owner.RefusedAsync("not a member", "/contact/removemember", ("dstid", room.Text()), ("memberid", stranger.Id()));
        await owner.RefusedAsync("memberid is required", "/contact/removemember", ("dstid", room.Text()));
        await owner.RefusedAsync("does not exist", "/contact/removemember", ("dstid", "9007199254740000"), ("memberid", bob.Id()));

        var members = await owner.IdsAsync("/contact/members", ("dstid", room.Text()));
        Assert.Equal(owner.UserId, members[0]);
        Assert.Equal(new[] { bob.UserId, carol.UserId }.Order(), members[1..]);
    }

    [Fact]
    public async Task A_removed_members_open_socket_stops_receiving_the_room_at_once()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        using var carol = await Host.NewUserAsync("carol");
        var room = await owner.CreateRoomAsync("live");
        await bob.JoinRoomAsync(room);
        await carol.JoinRoomAsync(room);
        await using var bobSocket = await bob.ConnectAsync();
        await using var carolSocket = await carol.ConnectAsync();
        await using var ownerSocket = await owner.ConnectAsync();

        await carolSocket.SendJsonAsync(new { id = 1, cmd = Room, dstid = room, media = 1, content = "before" });
        ContactSteps.AssertChatFrame(await bobSocket.NextFrameAsync(), Room, carol.UserId, room, "before");
        ContactSteps.AssertChatFrame(await ownerSocket.NextFrameAsync(), Room, carol.UserId, room, "before");

        await owner.OkAsync("/contact/removemember", ("dstid", room.Text()), ("memberid", bob.Id()));

        await carolSocket.SendJsonAsync(new { id = 2, cmd = Room, dstid = room, media = 1, content = "after" });
        ContactSteps.AssertChatFrame(await ownerSocket.NextFrameAsync(), Room, carol.UserId, room, "after");
        await bobSocket.SendJsonAsync(new { id = 3, cmd = Room, dstid = room, media = 1, content = "let me in" });
        ContactSteps.AssertErrorFrame(await bobSocket.NextFrameAsync(), "not-member", 3);
        await bobSocket.ExpectSilenceAsync(Quiet.Window);
    }

    [Fact]
    public async Task A_member_who_leaves_stops_receiving_on_every_open_socket()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        var room = await owner.CreateRoomAsync("exit");
        await bob.JoinRoomAsync(room);
        await using var phone = await bob.ConnectAsync();
        await using var laptop = await bob.ConnectAsync();
        await using var ownerSocket = await owner.ConnectAsync();

        await bob.OkAsync("/contact/leavecommunity", ("dstid", room.Text()));
        await ownerSocket.SendJsonAsync(new { id = 1, cmd = Room, dstid = room, media = 1, content = "bye bob" });

        await Task.WhenAll(phone.ExpectSilenceAsync(Quiet.Window), laptop.ExpectSilenceAsync(Quiet.Window));
    }

    [Fact]
    public async Task Transferring_ownership_moves_the_owners_rights_and_their_room_limit()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        using var carol = await Host.NewUserAsync("carol");
        var rooms = new List<long>();
        for (var i = 0; i < 5; i++) rooms.Add(await owner.CreateRoomAsync("room " + i));
        await owner.RefusedAsync("at most 5 rooms", "/contact/createcommunity", ("name", "one too many"));
        var room = rooms[0];
        await bob.JoinRoomAsync(room);
        await carol.JoinRoomAsync(room);

        var moved = await owner.OkAsync("/contact/transfer", ("dstid", room.Text()), ("memberid", bob.Id()));
        Assert.Equal(room, moved.GetProperty("id").GetInt64());
        Assert.Equal(bob.UserId, moved.GetProperty("ownerid").GetInt64());

        // The former owner owns one room less and may create one again; the new owner owns this one now.
        await owner.OkAsync("/contact/createcommunity", ("name", "room 5"));
        Assert.Equal(bob.UserId, (await carol.RowsAsync("/contact/loadcommunity")).Single().GetProperty("ownerid").GetInt64());
        Assert.Equal(bob.UserId, (await carol.IdsAsync("/contact/members", ("dstid", room.Text())))[0]);

        await owner.RefusedAsync("only the room's owner", "/contact/removemember", ("dstid", room.Text()), ("memberid", carol.Id()));
        await owner.RefusedAsync("only the room's owner", "/contact/transfer", ("dstid", room.Text()), ("memberid", carol.Id()));
        await bob.RefusedAsync("transfer ownership", "/contact/leavecommunity", ("dstid", room.Text()));
        await bob.OkAsync("/contact/removemember", ("dstid", room.Text()), ("memberid", carol.Id()));
        await owner.OkAsync("/contact/leavecommunity", ("dstid", room.Text()));
        Assert.Equal([bob.UserId], await bob.IdsAsync("/contact/members", ("dstid", room.Text())));
    }

    [Fact]
    public async Task Bad_transfers_are_refused()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        using var stranger = await Host.NewUserAsync("stranger");
        var room = await owner.CreateRoomAsync("mine");
        await bob.JoinRoomAsync(room);

        await owner.RefusedAsync("already own", "/contact/transfer", ("dstid", room.Text()), ("memberid", owner.Id()));
        await owner.RefusedAsync("not a member", "/contact/transfer", ("dstid", room.Text()), ("memberid", stranger.Id()));
        await bob.RefusedAsync("only the room's owner", "/contact/transfer", ("dstid", room.Text()), ("memberid", bob.Id()));
        await owner.RefusedAsync("memberid is required", "/contact/transfer", ("dstid", room.Text()));
        await owner.RefusedAsync("does not exist", "/contact/transfer", ("dstid", "9007199254740000"), ("memberid", bob.Id()));
        Assert.Equal(owner.UserId, (await bob.RowsAsync("/contact/loadcommunity")).Single().GetProperty("ownerid").GetInt64());
    }

    [Fact]
    public async Task Members_lists_public_profiles_owner_first_for_members_only()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var bob = await Host.NewUserAsync("bob");
        using var stranger = await Host.NewUserAsync("stranger");
        var room = await owner.CreateRoomAsync("who");
        await bob.JoinRoomAsync(room);

        var rows = await bob.RowsAsync("/contact/members", ("userid", bob.Id()), ("dstid", room.Text()));
        Assert.Equal([owner.UserId, bob.UserId], rows.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal("owner", rows[0].GetProperty("nickname").GetString());
        Assert.False(rows[0].TryGetProperty("mobile", out _));

        await stranger.RefusedAsync("not a member", "/contact/members", ("dstid", room.Text()));
        await stranger.RefusedAsync("does not exist", "/contact/members", ("dstid", "9007199254740000"));
        await stranger.RefusedAsync("dstid is required", "/contact/members");
    }
}
