namespace AkkaChat.Cluster.Tests;

using System.Globalization;
using System.Text.Json;

/// <summary>
/// Three nodes: users whose entities live on two of them chat through sockets on the third; a room with a member
/// hosted on every node, each with a socket on another node, gets every message once, in order, everywhere; and
/// every node answers sync and the member list alike.
/// </summary>
public sealed class ChatAcrossNodesTests
{
    private const int DirectMessages = 20;
    private const int RoomMessagesEach = 10;

    [Fact]
    public async Task Users_hosted_on_different_nodes_chat_through_a_third_and_every_node_answers_the_same()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var alice = await Traffic.UserHostedOnAsync(cluster, a);
        var bob = await Traffic.UserHostedOnAsync(cluster, b);
        var carol = await Traffic.UserHostedOnAsync(cluster, c);

        // 1:1: alice (on a) and bob (on b) befriend and chat through sockets on c.
        await alice.OkAsync(c, "/contact/addfriend", ("dstid", Text(bob.Id)));
        await using var bobOnC = await bob.ConnectAsync(c);
        await bobOnC.SyncAsync(0);
        await bobOnC.Synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using var aliceOnC = await alice.ConnectAsync(c);
        for (var n = 0; n < DirectMessages; n++) await aliceOnC.SendDirectAsync($"d-{n}", bob.Id, $"hello {n}");
        await Traffic.UntilAsync(() => aliceOnC.Acks.Count == DirectMessages && bobOnC.Messages.Count >= DirectMessages, TimeSpan.FromSeconds(60), "1:1 acks and deliveries");
        Traffic.AssertExactlyOnceInOrder([.. bobOnC.Messages], "d", DirectMessages);
        Assert.Equal(Enumerable.Range(0, DirectMessages).Select(n => $"d-{n}"), bobOnC.Messages.Select(m => m.GetProperty("cid").GetString()));

        // A room with a member hosted on every node; each member's socket is on a node that does not host them.
        var room = (await alice.OkAsync(a, "/contact/createcommunity", ("name", "everywhere"))).GetProperty("data").GetProperty("id").GetInt64();
        await bob.OkAsync(b, "/contact/joincommunity", ("dstid", Text(room)));
        await carol.OkAsync(c, "/contact/joincommunity", ("dstid", Text(room)));
        foreach (var node in cluster.Nodes)
        {
            var members = (await alice.OkAsync(node, "/contact/members", ("dstid", Text(room)))).GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("id").GetInt64());
            Assert.Equal(new[] { alice.Id, bob.Id, carol.Id }.Order(), members.Order());
        }
        var members3 = new[] { (User: alice, Via: b), (User: bob, Via: c), (User: carol, Via: a) };
        var sockets = new List<V2Peer>();
        foreach (var (user, via) in members3)
        {
            var peer = await user.ConnectAsync(via);
            await peer.SendAsync(JsonSerializer.Serialize(new { type = "sync", inbox = 0, rooms = new Dictionary<string, long> { [Text(room)] = 0 } }));
            await peer.Synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
            sockets.Add(peer);
        }
        try
        {
            var before = sockets.Select(s => s.Messages.Count).ToList();
            await Task.WhenAll(sockets.Select(async (peer, i) =>
            {
                for (var n = 0; n < RoomMessagesEach; n++)
                    await peer.SendAsync(JsonSerializer.Serialize(new { type = "send", cid = $"r{i}-{n}", cmd = 11, dstid = room, media = 1, content = $"room {n} from {i}" }));
            }));
            const int total = 3 * RoomMessagesEach;
            var stream = "r" + Text(room);
            List<JsonElement> RoomFrames(V2Peer peer) => peer.Messages.Where(m => m.GetProperty("stream").GetString() == stream).ToList();
            await Traffic.UntilAsync(() => sockets.All(s => s.Acks.Count == RoomMessagesEach && RoomFrames(s).Count >= total), TimeSpan.FromSeconds(60), "room acks and deliveries");
            await Until.SettledAsync(() => sockets.Sum(s => RoomFrames(s).Count), Quiet.AcrossNodes, TimeSpan.FromSeconds(30), "room deliveries"); // a duplicate would arrive right behind the last message
            var orders = sockets.Select(s => RoomFrames(s).Select(m => (Seq: m.GetProperty("seq").GetInt64(), Cid: m.GetProperty("cid").GetString())).ToList()).ToList();
            foreach (var order in orders)
            {
                Assert.Equal(Enumerable.Range(1, total).Select(n => (long)n), order.Select(o => o.Seq));
                Assert.Equal(total, order.Select(o => o.Cid).Distinct().Count());
                Assert.Equal(orders[0], order);
            }

            // Sync from the start answers the same through every node.
            var syncs = new List<List<string>>();
            foreach (var node in cluster.Nodes)
            {
                var frames = await Traffic.SyncFromStartAsync(bob, node, new Dictionary<long, long> { [room] = 0 });
                syncs.Add(frames.Select(m => $"{m.GetProperty("stream").GetString()}/{m.GetProperty("seq").GetInt64()}/{m.GetProperty("cid").GetString()}").Order(StringComparer.Ordinal).ToList());
            }
            Assert.Equal(DirectMessages + total, syncs[0].Count);
            Assert.All(syncs, s => Assert.Equal(syncs[0], s));
        }
        finally
        {
            foreach (var peer in sockets) await peer.DisposeAsync();
        }
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
