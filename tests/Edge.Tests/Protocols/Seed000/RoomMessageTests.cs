namespace AkkaChat.Edge.Tests.Protocols.Seed000;

/// <summary>Room messages (cmd 11) over real /chat sockets: fan-out, membership checks, live joins, offline catch-up.</summary>
public sealed class RoomMessageTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private const int Room = 11;

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task Every_member_socket_but_the_sending_one_receives_a_room_message_including_the_senders_other_socket()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var ann = await Host.NewUserAsync("ann");
        using var ben = await Host.NewUserAsync("ben");
        var room = await owner.CreateRoomAsync("three of us");
        await ann.JoinRoomAsync(room);
        await ben.JoinRoomAsync(room);
        await using var ownerSocket = await owner.OpenAsync("owner");
        await using var ownerTablet = await owner.OpenAsync("owner/tablet");
        await using var annSocket = await ann.OpenAsync("ann");
        await using var benSocket = await ben.OpenAsync("ben");

        await ownerSocket.SendAsync(new { id = 1, userid = ben.UserId, dstid = room, cmd = Room, media = 1, content = "hi all" });
        var atAnn = await annSocket.NextChatAsync(Room, owner.UserId, room, "hi all");
        var atBen = await benSocket.NextChatAsync(Room, owner.UserId, room, "hi all");
        var copyAtTablet = await ownerTablet.NextChatAsync(Room, owner.UserId, room, "hi all");
        Assert.Equal(atAnn.Number("id"), atBen.Number("id"));
        Assert.Equal(atAnn.Number("id"), copyAtTablet.Number("id"));
        Assert.Equal(1, atAnn.Number("media"));
        Assert.True(atAnn.Number("createat") > 0, $"createat expected: {atAnn}");

        await annSocket.SendAsync(new { id = 2, dstid = room, cmd = Room, media = 3, url = "/attach/v.mp3", amount = 4 });
        foreach (var socket in new[] { ownerSocket, ownerTablet, benSocket })
        {
            var voice = await socket.NextChatAsync(Room, ann.UserId, room, content: null);
            Assert.True(voice.Text("url") == "/attach/v.mp3" && voice.Number("amount") == 4, $"{socket.Label}: voice fields lost: {voice}");
            Assert.True(voice.Number("id") > atAnn.Number("id"), $"{socket.Label}: room ids must increase: {voice}");
        }

        // The owner's first frame was ann's voice message: "hi all" never came back to the owner's socket.
        await Task.WhenAll(ownerSocket.ExpectNothingAsync(Quiet.Window), ownerTablet.ExpectNothingAsync(Quiet.Window), annSocket.ExpectNothingAsync(Quiet.Window), benSocket.ExpectNothingAsync(Quiet.Window));
    }

    [Fact]
    public async Task A_room_message_sent_right_after_connecting_is_not_echoed_to_its_socket()
    {
        using var owner = await Host.NewUserAsync("owner");
        var room = await owner.CreateRoomAsync("eager senders");
        await using var ownerSocket = await owner.OpenAsync("owner");

        // A client that sends the moment its socket opens races the socket's own room catch-up; a few tries, each by a
        // member who joins just before (so nothing earlier is due to them), make that race likely to show.
        var eagerUsers = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Host.NewUserAsync($"eager {i}")));
        try
        {
            foreach (var (eager, attempt) in eagerUsers.Select((u, i) => (u, i + 1)))
            {
                await eager.JoinRoomAsync(room);
                await using var eagerSocket = await eager.OpenAsync($"eager {attempt}");
                await eagerSocket.SendAsync(new { id = attempt, dstid = room, cmd = Room, media = 1, content = $"right away {attempt}" });
                await ownerSocket.NextChatAsync(Room, eager.UserId, room, $"right away {attempt}");
                await eagerSocket.ExpectNothingAsync(Quiet.Window);
            }
        }
        finally
        {
            foreach (var eager in eagerUsers) eager.Dispose();
        }
    }

    [Fact]
    public async Task A_non_member_gets_not_member_and_an_unknown_room_gets_no_room()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var outsider = await Host.NewUserAsync("outsider");
        var room = await owner.CreateRoomAsync("members only");
        await using var ownerSocket = await owner.OpenAsync("owner");
        await using var outsiderSocket = await outsider.OpenAsync("outsider");

        await outsiderSocket.SendAsync(new { id = 5, dstid = room, cmd = Room, media = 1, content = "let me in" });
        (await outsiderSocket.NextErrorAsync()).AssertError("not-member", clientRef: 5);

        await outsiderSocket.SendAsync(new { id = 6, dstid = 987_654_321_012L, cmd = Room, media = 1, content = "anyone?" });
        (await outsiderSocket.NextErrorAsync()).AssertError("no-room", clientRef: 6);

        // Nothing leaked into the room, and the outsider's socket still works.
        await ownerSocket.SendAsync(new { id = 7, dstid = room, cmd = Room, media = 1, content = "still alone" });
        await Task.WhenAll(ownerSocket.ExpectNothingAsync(Quiet.Window), outsiderSocket.ExpectNothingAsync(Quiet.Window));
    }

    [Fact]
    public async Task A_room_joined_while_the_socket_is_open_is_live_at_once()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var newcomer = await Host.NewUserAsync("newcomer");
        var room = await owner.CreateRoomAsync("open doors");
        await using var ownerSocket = await owner.OpenAsync("owner");
        await using var ownerTablet = await owner.OpenAsync("owner/tablet");
        await using var newcomerSocket = await newcomer.OpenAsync("newcomer");

        // Stored (the owner's other socket has its copy) before the join: not for the newcomer.
        await ownerSocket.SendAsync(new { id = 1, dstid = room, cmd = Room, media = 1, content = "before the join" });
        await ownerTablet.NextChatAsync(Room, owner.UserId, room, "before the join");
        await newcomer.JoinRoomAsync(room);

        await ownerSocket.SendAsync(new { id = 2, dstid = room, cmd = Room, media = 1, content = "welcome" });
        await newcomerSocket.NextChatAsync(Room, owner.UserId, room, "welcome");

        await newcomerSocket.SendAsync(new { id = 3, dstid = room, cmd = Room, media = 1, content = "thanks" });
        await ownerSocket.NextChatAsync(Room, newcomer.UserId, room, "thanks");
        await newcomerSocket.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task Every_reconnect_gets_exactly_the_room_messages_missed_since_the_last_socket_closed()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var ann = await Host.NewUserAsync("ann");
        var room = await owner.CreateRoomAsync("comings and goings");
        await ann.JoinRoomAsync(room);
        await using var ownerSocket = await owner.OpenAsync("owner");

        // Several short visits: each must start exactly where the previous one stopped, never replaying what it saw.
        for (var visit = 1; visit <= 10; visit++)
        {
            await ownerSocket.SendAsync(new { id = visit, dstid = room, cmd = Room, media = 1, content = $"while away {visit}" });
            await using var annSocket = await ann.OpenAsync($"ann/visit {visit}");
            await annSocket.NextChatAsync(Room, owner.UserId, room, $"while away {visit}");
            await ownerSocket.SendAsync(new { id = 100 + visit, dstid = room, cmd = Room, media = 1, content = $"during visit {visit}" });
            await annSocket.NextChatAsync(Room, owner.UserId, room, $"during visit {visit}");
        }
    }

    [Fact]
    public async Task A_second_socket_does_not_replay_room_messages_the_first_already_received()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var ann = await Host.NewUserAsync("ann");
        var room = await owner.CreateRoomAsync("two tabs");
        await ann.JoinRoomAsync(room);
        await using var ownerSocket = await owner.OpenAsync("owner");
        await using var annFirst = await ann.OpenAsync("ann/first");

        foreach (var content in new[] { "seen 1", "seen 2" })
        {
            await ownerSocket.SendAsync(new { id = 1, dstid = room, cmd = Room, media = 1, content });
            await annFirst.NextChatAsync(Room, owner.UserId, room, content);
        }

        // Ann was never offline: like a 1:1 inbox, the room has nothing missed to push to her second socket.
        await using var annSecond = await ann.OpenAsync("ann/second");
        await ownerSocket.SendAsync(new { id = 2, dstid = room, cmd = Room, media = 1, content = "new" });
        await annFirst.NextChatAsync(Room, owner.UserId, room, "new");
        await annSecond.NextChatAsync(Room, owner.UserId, room, "new");
        await annSecond.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task Room_messages_missed_while_offline_arrive_in_order_on_reconnect_before_live_ones()
    {
        using var owner = await Host.NewUserAsync("owner");
        using var ann = await Host.NewUserAsync("ann");
        using var ben = await Host.NewUserAsync("ben");
        var room = await owner.CreateRoomAsync("catch up");
        await ann.JoinRoomAsync(room);
        await ben.JoinRoomAsync(room);
        await using var ownerSocket = await owner.OpenAsync("owner");
        await using var annSocket = await ann.OpenAsync("ann");

        await using (var benFirst = await ben.OpenAsync("ben/first"))
        {
            await ownerSocket.SendAsync(new { id = 1, dstid = room, cmd = Room, media = 1, content = "seen live" });
            await benFirst.NextChatAsync(Room, owner.UserId, room, "seen live");
            await annSocket.NextChatAsync(Room, owner.UserId, room, "seen live");
        }

        // Sent one at a time, each awaited at a member's socket, so each is stored and the order is known.
        var missed = new List<(long Sender, string Content)>();
        foreach (var (from, fromSocket, witness, content) in new[]
        {
            (owner, ownerSocket, annSocket, "missed 1"),
            (ann, annSocket, ownerSocket, "missed 2"),
            (owner, ownerSocket, annSocket, "missed 3"),
        })
        {
            await fromSocket.SendAsync(new { id = missed.Count + 10, dstid = room, cmd = Room, media = 1, content });
            await witness.NextChatAsync(Room, from.UserId, room, content);
            missed.Add((from.UserId, content));
        }

        await using var benAgain = await ben.OpenAsync("ben/again");
        var caughtUp = await benAgain.NextAsync(3);
        for (var i = 0; i < 3; i++)
        {
            caughtUp[i].AssertChat(Room, missed[i].Sender, room, missed[i].Content);
            if (i > 0) Assert.True(caughtUp[i].Number("id") == caughtUp[i - 1].Number("id") + 1, $"room ids are dense and in order: {caughtUp[i - 1]} then {caughtUp[i]}");
        }

        await ownerSocket.SendAsync(new { id = 20, dstid = room, cmd = Room, media = 1, content = "live" });
        var live = await benAgain.NextAsync();
        live.AssertChat(Room, owner.UserId, room, "live");
        Assert.Equal(caughtUp[2].Number("id") + 1, live.Number("id"));
        await benAgain.ExpectNothingAsync(Quiet.Window);
        await benAgain.DisposeAsync();

        // What was caught up or seen live is not pushed again on the next connect.
        await using var benThird = await ben.OpenAsync("ben/third");
        await ownerSocket.SendAsync(new { id = 21, dstid = room, cmd = Room, media = 1, content = "next" });
        await benThird.NextChatAsync(Room, owner.UserId, room, "next");
    }
}
