namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Tests.Sockets;
using AkkaChat.Edge.Tests.V2;
using static AkkaChat.Edge.Tests.Protocols.Seed003.Seed003Steps;

/// <summary>One store for every protocol: what a seed-003 client sends reaches /chat sockets (seed-000, v2) and back; text is media 1 both ways.</summary>
public sealed class Seed003CrossProtocolTests(Seed003HostFixture fixture) : IClassFixture<Seed003HostFixture>
{
    private ChatHost Node => fixture.Host;

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task Direct_messages_cross_between_seed003_v2_and_seed000_both_ways(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync("ann");
        using var bob = await Node.NewUserAsync("bob");
        await ann.BefriendAsync(bob);
        await using var annNew = await Node.SignedAsync(transport, ann);
        await using var bobV2 = await bob.ConnectSyncedV2Async();
        await using var bobSeed = await FrameInbox.OpenAsync(bob, "bob seed-000");

        var sent = await annNew.SendTextAsync(User, bob.UserId, "from seed-003");
        var (v2Msg, _) = await bobV2.ReceiveUntilAsync("msg");
        Assert.Equal("from seed-003", v2Msg.GetProperty("content").GetString());
        Assert.Equal(1, v2Msg.GetProperty("media").GetInt32());
        Assert.Equal(ann.UserId, v2Msg.GetProperty("userid").GetInt64());
        var seedMsg = await bobSeed.NextAsync();
        Assert.Equal("from seed-003", seedMsg.GetProperty("content").GetString());
        Assert.Equal(1, seedMsg.GetProperty("media").GetInt32());
        Assert.Equal(10, seedMsg.GetProperty("cmd").GetInt32());

        await bobV2.SendDirectAsync("c1", ann.UserId, "from v2");
        var fromV2 = await annNew.NextPushAsync();
        Assert.Equal(MessageType.MtText, fromV2.MessageBody.MessageType);
        Assert.Equal("from v2", fromV2.MessageBody.MessageContent.Text.Text_);
        Assert.Equal(bob.UserId, fromV2.SenderId);
        Assert.Equal(bob.UserId, fromV2.ConversationId);
        Assert.Equal("bob", fromV2.SenderName);

        await bobSeed.SendAsync(new { id = 1, cmd = 10, dstid = ann.UserId, media = 1, content = "from seed-000" });
        var fromSeed = await annNew.NextPushAsync();
        Assert.Equal("from seed-000", fromSeed.MessageBody.MessageContent.Text.Text_);
        Assert.True(fromSeed.Id > fromV2.Id && fromV2.Id > sent.Id); // one inbox, one sequence

        var history = await annNew.SyncAsync(bob.UserId, User);
        Assert.Equal(["from seed-000", "from v2", "from seed-003"], history.Messages.Select(m => m.MessageBody.MessageContent.Text.Text_));
    }

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task Group_messages_cross_between_seed003_and_v2_both_ways(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync("ann");
        using var bob = await Node.NewUserAsync("bob");
        var room = await ann.CreateRoomAsync("mixed");
        await bob.JoinRoomAsync(room);
        await using var annNew = await Node.SignedAsync(transport, ann);
        await using var bobV2 = await bob.ConnectSyncedV2Async();

        await annNew.SendTextAsync(Group, room, "group from seed-003");
        var (v2Msg, _) = await bobV2.ReceiveUntilAsync("msg");
        Assert.Equal("group from seed-003", v2Msg.GetProperty("content").GetString());
        Assert.Equal($"r{room}", v2Msg.GetProperty("stream").GetString());

        await bobV2.SendRoomAsync("g1", room, "group from v2");
        var pushed = await annNew.NextPushAsync();
        Assert.Equal("group from v2", pushed.MessageBody.MessageContent.Text.Text_);
        Assert.Equal(room, pushed.ConversationId);
        Assert.Equal(Group, pushed.ReceiverType);
    }
}

/// <summary>Everything a seed-003 client reads is stored: after the node restarts on the same data directory, sync returns the same.</summary>
public sealed class Seed003RestartTests
{
    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task Sync_returns_the_same_after_a_restart(Seed003Transport transport)
    {
        await using var node = await Seed003HostFixture.StartAsync();
        using var ann = await node.NewUserAsync("ann");
        using var bob = await node.NewUserAsync("bob");
        await ann.BefriendAsync(bob);
        var room = await ann.CreateRoomAsync("durable");
        await bob.JoinRoomAsync(room);
        SyncResp direct, group;
        await using (var annClient = await node.SignedAsync(transport, ann))
        {
            for (var i = 1; i <= 5; i++)
            {
                await annClient.SendTextAsync(User, bob.UserId, $"direct {i}");
                await annClient.SendTextAsync(Group, room, $"group {i}");
            }
            direct = await annClient.SyncAsync(bob.UserId, User);
            group = await annClient.SyncAsync(room, Group);
        }
        Assert.Equal(5, direct.Messages.Count);
        Assert.Equal(5, group.Messages.Count);

        await node.RestartAsync();
        await using var again = await node.SignedAsync(transport, ann);
        Assert.Equal(direct, await again.SyncAsync(bob.UserId, User));
        Assert.Equal(group, await again.SyncAsync(room, Group));
    }

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task Stopping_the_node_closes_signed_and_unsigned_connections(Seed003Transport transport)
    {
        await using var node = await Seed003HostFixture.StartAsync();
        using var ann = await node.NewUserAsync();
        await using var unsigned = await Seed003Client.ConnectAsync(node, transport);
        await using var signed = await node.SignedAsync(transport, ann);
        await unsigned.SendAsync(new Input { Type = AkkaChat.Edge.Protocols.Seed003.Seed003Types.Heartbeat });
        await unsigned.ExpectAsync(AkkaChat.Edge.Protocols.Seed003.Seed003Types.Heartbeat, AkkaChat.Edge.Protocols.Seed003.Seed003Codes.NotAuthenticated);

        var stopping = node.StopAsync();
        foreach (var client in new[] { unsigned, signed })
        {
            var (code, _) = await client.WaitClosedAsync(TimeSpan.FromSeconds(10));
            if (transport == Seed003Transport.WebSocket) Assert.Equal(1001, code);
        }
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
