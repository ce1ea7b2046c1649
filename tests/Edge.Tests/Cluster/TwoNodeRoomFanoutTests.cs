namespace AkkaChat.Edge.Tests.Cluster;

using Akka.Actor;
using Akka.Hosting;
using AkkaChat.Core.Rooms;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Tests.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.RoomFanoutCommands;

/// <summary>
/// Two in-process nodes on one PostgreSQL: a room publishes only to the nodes that have sockets for it, and a socket
/// that subscribes on the second node while messages flow gets every message once, in order.
/// </summary>
public sealed class TwoNodeRoomFanoutTests(ITestOutputHelper output)
{
    private const int Room = 11;

    [Fact]
    public async Task A_room_whose_sockets_are_all_on_one_node_sends_nothing_to_the_other()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var secret = NewSecret();
        await using var nodeA = await StartNodeAsync(database, secret, seed: null);
        await using var nodeB = await StartNodeAsync(database, secret, seed: nodeA);
        await UntilBothUpAsync(nodeA, nodeB);

        using var alice = await nodeA.NewUserAsync("alice");
        using var bob = await nodeA.NewUserAsync("bob");
        var room = await alice.CreateRoomAsync("only-on-a");
        await bob.JoinRoomAsync(room);
        await using var aliceSocket = await alice.OpenAsync("alice@A");
        await using var bobSocket = await bob.OpenAsync("bob@A");
        var before = await StatsAsync(nodeB);

        for (var i = 1; i <= 5; i++)
        {
            await aliceSocket.SendAsync(new { id = i, dstid = room, cmd = Room, media = 1, content = "m" + i });
            await bobSocket.NextChatAsync(Room, alice.UserId, room, "m" + i);
        }
        await bobSocket.ExpectNothingAsync(Quiet.AcrossNodes);

        Assert.Equal(before.RoomMessagesReceived, (await StatsAsync(nodeB)).RoomMessagesReceived);
        Assert.True((await StatsAsync(nodeA)).RoomMessagesReceived >= 5);
    }

    [Fact]
    public async Task A_socket_that_subscribes_on_the_other_node_while_messages_flow_gets_each_once_in_order()
    {
        const int total = 40;
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var secret = NewSecret();
        await using var nodeA = await StartNodeAsync(database, secret, seed: null);
        await using var nodeB = await StartNodeAsync(database, secret, seed: nodeA);
        await UntilBothUpAsync(nodeA, nodeB);

        using var alice = await nodeA.NewUserAsync("alice");
        using var bob = await nodeA.NewUserAsync("bob");
        var daveMobile = ChatSteps.NewMobile();
        using (var dave = await nodeA.NewUserAsync("dave", daveMobile))
        {
            var room = await alice.CreateRoomAsync("both-nodes");
            await bob.JoinRoomAsync(room);
            await dave.JoinRoomAsync(room);
            using var daveOnB = nodeB.NewClient();
            await daveOnB.LogInAsync(daveMobile);
            await using var aliceSocket = await alice.OpenAsync("alice@A");
            await using var bobSocket = await bob.OpenAsync("bob@A");

            FrameInbox? daveSocket = null;
            try
            {
                for (var i = 1; i <= total; i++)
                {
                    await aliceSocket.SendAsync(new { id = i, dstid = room, cmd = Room, media = 1, content = "m" + i });
                    if (i == total / 2) daveSocket = await daveOnB.OpenAsync("dave@B"); // node B's first socket for the room
                }
                for (var i = 1; i <= total; i++) await bobSocket.NextChatAsync(Room, alice.UserId, room, "m" + i);
                for (var i = 1; i <= total; i++) await daveSocket!.NextChatAsync(Room, alice.UserId, room, "m" + i);
                await daveSocket!.ExpectNothingAsync(Quiet.AcrossNodes);
                await bobSocket.ExpectNothingAsync(Quiet.AcrossNodes);
                Assert.Equal(1, (await StatsAsync(nodeB)).SubscribedRooms);
            }
            finally
            {
                if (daveSocket is not null) await daveSocket.DisposeAsync();
            }
        }
    }

    /// <summary>Both nodes sign tokens with it, so a client may log in on one node and open its socket on the other.</summary>
    private static string NewSecret() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private Task<ChatHost> StartNodeAsync(TestPostgres database, string secret, ChatHost? seed)
    {
        var env = new Dictionary<string, string?>
        {
            ["AKKACHAT_STORAGE"] = "postgres",
            ["AKKACHAT_PG"] = database.ConnectionString,
            ["AKKACHAT_SECRET"] = secret,
        };
        if (seed is not null) env["AKKACHAT_SEEDS"] = Akka.Cluster.Cluster.Get(SystemOf(seed)).SelfAddress.ToString();
        return ChatHost.StartAsync(env, output);
    }

    private static ActorSystem SystemOf(ChatHost host) => host.App.Services.GetRequiredService<ActorSystem>();

    private static Task UntilBothUpAsync(params ChatHost[] nodes) =>
        Until.TrueAsync(
            () => nodes.All(n => Akka.Cluster.Cluster.Get(SystemOf(n)).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == nodes.Length),
            TimeSpan.FromSeconds(30),
            "the two nodes see each other Up");

    private static Task<FanoutStats> StatsAsync(ChatHost node) =>
        node.App.Services.GetRequiredService<IActorRegistry>().Get<RoomFanoutKey>().Ask<FanoutStats>(GetFanoutStats.Instance, TimeSpan.FromSeconds(5));
}
