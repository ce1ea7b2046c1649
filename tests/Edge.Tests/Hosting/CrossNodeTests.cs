namespace AkkaChat.Edge.Tests.Hosting;

using System.Globalization;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using AkkaChat.Core;
using AkkaChat.Edge.Tests.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

/// <summary>
/// Two in-process nodes on one PostgreSQL database, the second joining the first: requests through one node are
/// answered by entities on the other, and 1:1 and room messages reach sockets on the other node. Every command,
/// reply and push here crosses real remoting, so each goes through the cluster message serializer.
/// </summary>
public sealed class CrossNodeTests(ITestOutputHelper output)
{
    private const int Direct = 10;
    private const int Room = 11;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_and_messages_are_answered_by_entities_on_the_other_node()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var env = new Dictionary<string, string?>
        {
            ["AKKACHAT_STORAGE"] = "postgres",
            ["AKKACHAT_PG"] = database.ConnectionString,
            // Both nodes must accept each other's tokens: a client may log in on one and open its socket on the other.
            ["AKKACHAT_SECRET"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        };
        await using var first = await ChatHost.StartAsync(env, output);
        var seed = Cluster.Get(System(first)).SelfAddress.ToString();
        await using var second = await ChatHost.StartAsync(new Dictionary<string, string?>(env) { ["AKKACHAT_SEEDS"] = seed }, output);
        await Until.TrueAsync(() => UpMembers(first) == 2 && UpMembers(second) == 2, Bound, "both nodes see a cluster of two");

        // Registered through the second node until one user's entity lives on each node.
        var placed = new Dictionary<ChatHost, (string Mobile, long Id)>();
        for (var i = 0; i < 20 && placed.Count < 2; i++)
        {
            var mobile = ChatSteps.NewMobile();
            using var user = await second.NewUserAsync("user" + i, mobile);
            placed.TryAdd(await HomeOfUserAsync(user.UserId, first, second), (mobile, user.UserId));
        }
        Assert.True(placed.Count == 2, "20 users all landed on one node");
        var (aliceMobile, aliceId) = placed[first];
        var (bobMobile, bobId) = placed[second];

        // Alice talks to the second node (her entity is on the first), Bob to the first (his entity is on the second).
        using var alice = second.NewClient();
        using var bob = first.NewClient();
        using var aliceOnFirst = first.NewClient();
        using var bobOnSecond = second.NewClient();
        Assert.Equal(aliceId, await alice.LogInAsync(aliceMobile));
        Assert.Equal(bobId, await bob.LogInAsync(bobMobile));
        Assert.Equal(aliceId, await aliceOnFirst.LogInAsync(aliceMobile));
        Assert.Equal(bobId, await bobOnSecond.LogInAsync(bobMobile));

        await alice.BefriendAsync(bob);
        Assert.Equal([bobId], await alice.IdsAsync("/contact/loadfriend"));
        Assert.Equal([bobId], await aliceOnFirst.IdsAsync("/contact/loadfriend"));
        Assert.Equal([aliceId], await bob.IdsAsync("/contact/loadfriend"));
        Assert.Equal([aliceId], await bobOnSecond.IdsAsync("/contact/loadfriend"));

        var room = await alice.CreateRoomAsync("across");
        await bob.JoinRoomAsync(room);
        foreach (var member in new[] { alice, bob, aliceOnFirst, bobOnSecond })
        {
            var members = await member.PostAsync("/contact/members", ("dstid", room.ToString(CultureInfo.InvariantCulture)));
            Assert.True(members.GetProperty("code").GetInt32() == 0, $"members refused: {members}");
            Assert.Equal([aliceId, bobId], members.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        }

        await using var aliceSocket = await alice.OpenAsync("alice@second");
        await using var bobSocket = await bob.OpenAsync("bob@first");

        await aliceSocket.SendAsync(new { id = 1, dstid = bobId, cmd = Direct, media = 1, content = "across nodes" });
        await bobSocket.NextChatAsync(Direct, aliceId, bobId, "across nodes");
        await bobSocket.SendAsync(new { id = 2, dstid = aliceId, cmd = Direct, media = 1, content = "and back" });
        await aliceSocket.NextChatAsync(Direct, bobId, aliceId, "and back");

        await aliceSocket.SendAsync(new { id = 3, dstid = room, cmd = Room, media = 1, content = "to the room" });
        await bobSocket.NextChatAsync(Room, aliceId, room, "to the room");
        await bobSocket.SendAsync(new { id = 4, dstid = room, cmd = Room, media = 1, content = "from the room" });
        await aliceSocket.NextChatAsync(Room, bobId, room, "from the room");
    }

    private static ActorSystem System(ChatHost node) => node.App.Services.GetRequiredService<ActorSystem>();

    private static int UpMembers(ChatHost node) => Cluster.Get(System(node)).State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <summary>The node whose user shard region hosts the entity of <paramref name="userId"/>.</summary>
    private static async Task<ChatHost> HomeOfUserAsync(long userId, params ChatHost[] nodes)
    {
        var id = userId.ToString(CultureInfo.InvariantCulture);
        foreach (var node in nodes)
        {
            var region = ClusterSharding.Get(System(node)).ShardRegion(ShardTypes.User);
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
            if (state.Shards.Any(s => s.EntityIds.Contains(id))) return node;
        }
        throw new InvalidOperationException($"no node hosts the entity of user {userId}");
    }
}
