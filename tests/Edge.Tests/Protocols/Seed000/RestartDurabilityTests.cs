namespace AkkaChat.Edge.Tests.Protocols.Seed000;

using System.Net.WebSockets;
using Xunit.Abstractions;

/// <summary>
/// A whole-node restart (ActorSystem and Kestrel) on the same data directory: accounts, contacts, rooms and
/// undelivered messages come back; delivered ones do not come back twice; ids are never handed out again.
/// Each test has its own host, since it restarts it; the node's warnings and errors go to the test's output.
/// </summary>
public sealed class RestartDurabilityTests(ITestOutputHelper output)
{
    private const int Direct = 10;
    private const int Room = 11;
    private static readonly TimeSpan ShutdownCloseBound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Accounts_contacts_rooms_and_undelivered_messages_survive_a_restart()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        await AssertStateSurvivesARestartAsync(host);
    }

    [Fact]
    public async Task On_postgresql_accounts_contacts_rooms_and_undelivered_messages_survive_a_restart()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?>
        {
            ["AKKACHAT_STORAGE"] = "postgres",
            ["AKKACHAT_PG"] = database.ConnectionString,
        }, output);
        await AssertStateSurvivesARestartAsync(host);
    }

    /// <summary>Builds accounts, contacts, a room and undelivered messages, restarts the node, and checks all of it came back.</summary>
    internal static async Task AssertStateSurvivesARestartAsync(ChatHost host)
    {
        var (aliceMobile, bobMobile, carolMobile) = (ChatSteps.NewMobile(), ChatSteps.NewMobile(), ChatSteps.NewMobile());
        long aliceId, bobId, carolId, room;
        using (var alice = await host.NewUserAsync("alice", aliceMobile))
        using (var bob = await host.NewUserAsync("bob", bobMobile))
        using (var carol = await host.NewUserAsync("carol", carolMobile))
        {
            (aliceId, bobId, carolId) = (alice.UserId, bob.UserId, carol.UserId);
            await alice.BefriendAsync(bob);
            await alice.BefriendAsync(carol);
            room = await alice.CreateRoomAsync("durable");
            await bob.JoinRoomAsync(room);
            await carol.JoinRoomAsync(room);

            // Carol never connects before the restart: a 1:1 and a room message wait for her.
            await using var aliceSocket = await alice.OpenAsync("alice");
            await using var aliceWitness = await alice.OpenAsync("alice/witness");
            await using var bobSocket = await bob.OpenAsync("bob");
            await aliceSocket.SendAsync(new { id = 1, dstid = carolId, cmd = Direct, media = 1, content = "dm before restart" });
            await aliceWitness.NextChatAsync(Direct, aliceId, carolId, "dm before restart");
            await aliceSocket.SendAsync(new { id = 2, dstid = room, cmd = Room, media = 1, content = "room before restart" });
            await bobSocket.NextChatAsync(Room, aliceId, room, "room before restart");
        }

        await host.RestartAsync();

        using var alice2 = host.NewClient();
        using var bob2 = host.NewClient();
        using var carol2 = host.NewClient();
        Assert.Equal(aliceId, await alice2.LogInAsync(aliceMobile));
        Assert.Equal(bobId, await bob2.LogInAsync(bobMobile));
        Assert.Equal(carolId, await carol2.LogInAsync(carolMobile));
        using var stranger = host.NewClient();
        var wrongPassword = await stranger.PostAsync("/user/login", ("mobile", aliceMobile), ("passwd", "not-the-password"));
        Assert.Equal(-1, wrongPassword.GetProperty("code").GetInt32());

        Assert.Equal([bobId, carolId], (await alice2.IdsAsync("/contact/loadfriend")).Order());
        Assert.Equal([aliceId], await bob2.IdsAsync("/contact/loadfriend"));
        Assert.Equal([aliceId], await carol2.IdsAsync("/contact/loadfriend"));
        foreach (var member in new[] { alice2, bob2, carol2 })
            Assert.Equal([room], await member.IdsAsync("/contact/loadcommunity"));

        await using var carolSocket = await carol2.OpenAsync("carol");
        var waiting = await carolSocket.NextAsync(2);
        var dm = Assert.Single(waiting, f => f.Number("cmd") == Direct);
        dm.AssertChat(Direct, aliceId, carolId, "dm before restart");
        var roomMessage = Assert.Single(waiting, f => f.Number("cmd") == Room);
        roomMessage.AssertChat(Room, aliceId, room, "room before restart");

        // Ids handed out before the restart are not handed out again.
        using var dan = await host.NewUserAsync("dan");
        Assert.DoesNotContain(dan.UserId, new[] { aliceId, bobId, carolId });
        var newRoom = await dan.CreateRoomAsync("after restart");
        Assert.NotEqual(room, newRoom);

        // Sending works after the restart, 1:1 and in the room, also for a user created after it.
        await using var aliceSocket2 = await alice2.OpenAsync("alice");
        await aliceSocket2.SendAsync(new { id = 3, dstid = carolId, cmd = Direct, media = 1, content = "dm after restart" });
        await carolSocket.NextChatAsync(Direct, aliceId, carolId, "dm after restart");
        await aliceSocket2.SendAsync(new { id = 4, dstid = room, cmd = Room, media = 1, content = "room after restart" });
        await carolSocket.NextChatAsync(Room, aliceId, room, "room after restart");

        await dan.BefriendAsync(carol2);
        await dan.JoinRoomAsync(room);
        await using var danSocket = await dan.OpenAsync("dan");
        await carolSocket.SendAsync(new { id = 5, dstid = dan.UserId, cmd = Direct, media = 1, content = "hi dan" });
        await danSocket.NextChatAsync(Direct, carolId, dan.UserId, "hi dan");
        await carolSocket.SendAsync(new { id = 6, dstid = room, cmd = Room, media = 1, content = "hi room" });
        await danSocket.NextChatAsync(Room, carolId, room, "hi room");
    }

    [Fact]
    public async Task Messages_delivered_before_a_restart_are_not_delivered_again()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        var (aliceMobile, bobMobile) = (ChatSteps.NewMobile(), ChatSteps.NewMobile());
        long aliceId, bobId, room;
        using (var alice = await host.NewUserAsync("alice", aliceMobile))
        using (var bob = await host.NewUserAsync("bob", bobMobile))
        {
            (aliceId, bobId) = (alice.UserId, bob.UserId);
            await alice.BefriendAsync(bob);
            room = await alice.CreateRoomAsync("seen");
            await bob.JoinRoomAsync(room);
            await using var aliceSocket = await alice.OpenAsync("alice");
            await using var bobSocket = await bob.OpenAsync("bob");
            await aliceSocket.SendAsync(new { id = 1, dstid = bobId, cmd = Direct, media = 1, content = "seen dm" });
            await bobSocket.NextChatAsync(Direct, aliceId, bobId, "seen dm");
            await aliceSocket.SendAsync(new { id = 2, dstid = room, cmd = Room, media = 1, content = "seen room" });
            await bobSocket.NextChatAsync(Room, aliceId, room, "seen room");
        }

        await host.RestartAsync();
        await AssertOnlyFreshMessagesAsync(host, aliceMobile, bobMobile, aliceId, bobId, room);
    }

    [Fact]
    public async Task Stopping_the_node_closes_open_sockets_with_a_close_frame_at_once()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        using var alice = await host.NewUserAsync("alice");
        await using var aliceSocket = await alice.OpenAsync("alice");

        var closedWith = await StopWithOpenSocketsAsync(host.StopAsync(), aliceSocket);
        Assert.True(
            closedWith is WebSocketCloseStatus.EndpointUnavailable or WebSocketCloseStatus.NormalClosure,
            $"stopping the node should close open sockets (1001 going away, or 1000) within {ShutdownCloseBound.TotalSeconds} s; got {closedWith?.ToString() ?? "no close frame"}");
    }

    [Fact]
    public async Task Messages_seen_on_sockets_open_at_shutdown_are_not_delivered_again()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        var (aliceMobile, bobMobile) = (ChatSteps.NewMobile(), ChatSteps.NewMobile());
        using var alice = await host.NewUserAsync("alice", aliceMobile);
        using var bob = await host.NewUserAsync("bob", bobMobile);
        await alice.BefriendAsync(bob);
        var room = await alice.CreateRoomAsync("seen");
        await bob.JoinRoomAsync(room);
        await using var aliceSocket = await alice.OpenAsync("alice");
        await using var bobSocket = await bob.OpenAsync("bob");
        await aliceSocket.SendAsync(new { id = 1, dstid = bob.UserId, cmd = Direct, media = 1, content = "seen dm" });
        await bobSocket.NextChatAsync(Direct, alice.UserId, bob.UserId, "seen dm");
        await aliceSocket.SendAsync(new { id = 2, dstid = room, cmd = Room, media = 1, content = "seen room" });
        await bobSocket.NextChatAsync(Room, alice.UserId, room, "seen room");

        // The sockets are still open when the node stops.
        await StopWithOpenSocketsAsync(host.RestartAsync(), aliceSocket, bobSocket);
        await AssertOnlyFreshMessagesAsync(host, aliceMobile, bobMobile, alice.UserId, bob.UserId, room);
    }

    /// <summary>
    /// Waits (bounded) for the server to close <paramref name="sockets"/> while <paramref name="stopping"/> runs, then drops
    /// them so the stop never waits on them, and returns the close status the first socket saw (null: none in time).
    /// </summary>
    private static async Task<WebSocketCloseStatus?> StopWithOpenSocketsAsync(Task stopping, params FrameInbox[] sockets)
    {
        WebSocketCloseStatus? closedWith = null;
        try
        {
            closedWith = await sockets[0].ClosedAsync(ShutdownCloseBound);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            foreach (var socket in sockets) socket.Socket.Abort();
            await stopping;
        }
        return closedWith;
    }

    /// <summary>After the restart bob's first frames are the new messages alice sends, nothing replayed before or after them.</summary>
    private static async Task AssertOnlyFreshMessagesAsync(ChatHost host, string aliceMobile, string bobMobile, long aliceId, long bobId, long room)
    {
        using var alice = host.NewClient();
        using var bob = host.NewClient();
        await alice.LogInAsync(aliceMobile);
        await bob.LogInAsync(bobMobile);
        await using var bobSocket = await bob.OpenAsync("bob after restart");
        await using var aliceSocket = await alice.OpenAsync("alice after restart");

        await aliceSocket.SendAsync(new { id = 3, dstid = bobId, cmd = Direct, media = 1, content = "fresh dm" });
        await bobSocket.NextChatAsync(Direct, aliceId, bobId, "fresh dm");
        await aliceSocket.SendAsync(new { id = 4, dstid = room, cmd = Room, media = 1, content = "fresh room" });
        await bobSocket.NextChatAsync(Room, aliceId, room, "fresh room");
        await Task.WhenAll(bobSocket.ExpectNothingAsync(Quiet.Window), aliceSocket.ExpectNothingAsync(Quiet.Window));
    }
}
