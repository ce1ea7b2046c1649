namespace AkkaChat.Edge.Tests.Protocols.Seed000;

/// <summary>
/// A second seed-000 device starts live, with no backlog, so the server answers its upgrade only once the user entity
/// has registered it and it has subscribed to its rooms: whatever is stored after the client's handshake reaches it.
/// No test here waits for anything between the handshake and the message.
/// </summary>
public sealed class SecondDeviceTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private const int Direct = 10;
    private const int Room = 11;
    private const int BurstPerFriend = 100; // one socket's rate-limit burst

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task A_second_device_gets_a_1to1_message_sent_the_moment_its_handshake_completes()
    {
        using var ann = await Host.NewUserAsync("ann");
        using var bob = await Host.NewUserAsync("bob");
        await ann.BefriendAsync(bob);
        await using var annPhone = await ann.OpenAsync("ann/phone");
        await using var bobSocket = await bob.OpenAsync("bob");

        for (var i = 1; i <= 3; i++)
        {
            await using var laptop = await ann.OpenAsync($"ann/laptop {i}");
            await bobSocket.SendAsync(new { id = i, dstid = ann.UserId, cmd = Direct, media = 1, content = $"right after handshake {i}" });
            await laptop.NextChatAsync(Direct, bob.UserId, ann.UserId, $"right after handshake {i}");
            await annPhone.NextChatAsync(Direct, bob.UserId, ann.UserId, $"right after handshake {i}");
        }
    }

    /// <summary>
    /// The race an upgrade answered before the registration can lose: the user entity, busy storing a burst of 1:1 messages,
    /// answers the laptop's registration (and so its room subscriptions) after the handshake, while the room stores and
    /// publishes a message sent right after the handshake at once. (On this machine the burst was not long enough to make
    /// the old order fail reliably; the order itself is what guarantees it.)
    /// </summary>
    [Fact]
    public async Task A_second_device_gets_a_room_message_sent_the_moment_its_handshake_completes_while_its_user_entity_is_busy()
    {
        using var ann = await Host.NewUserAsync("ann");
        using var owner = await Host.NewUserAsync("owner");
        var room = await owner.CreateRoomAsync("busy");
        await ann.JoinRoomAsync(room);
        var friends = new List<ChatClient>();
        var friendSockets = new List<FrameInbox>();
        try
        {
            for (var f = 0; f < 3; f++)
            {
                var friend = await Host.NewUserAsync($"friend {f}");
                friends.Add(friend);
                await ann.BefriendAsync(friend);
                friendSockets.Add(await friend.OpenAsync($"friend {f}"));
            }
            await using var annPhone = await ann.OpenAsync("ann/phone");
            await using var ownerSocket = await owner.OpenAsync("owner");

            // The burst queues in ann's user entity ahead of the laptop's registration.
            await Task.WhenAll(friendSockets.Select(async socket =>
            {
                for (var i = 1; i <= BurstPerFriend; i++)
                    await socket.SendAsync(new { id = i, dstid = ann.UserId, cmd = Direct, media = 1, content = $"burst {i}" });
            }));
            await using var annLaptop = await ann.OpenAsync("ann/laptop");
            await ownerSocket.SendAsync(new { id = 1, dstid = room, cmd = Room, media = 1, content = "right after the handshake" });

            // The laptop gets the burst's later messages and, among them, the room message.
            for (var frames = 0; ; frames++)
            {
                Assert.True(frames <= friendSockets.Count * BurstPerFriend, "the room message never reached the second device");
                var frame = await annLaptop.NextAsync();
                if (frame.Number("cmd") != Room) continue;
                frame.AssertChat(Room, owner.UserId, room, "right after the handshake", annLaptop.Label);
                break;
            }
        }
        finally
        {
            foreach (var socket in friendSockets) await socket.DisposeAsync();
            foreach (var friend in friends) friend.Dispose();
        }
    }
}
