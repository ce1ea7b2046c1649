namespace AkkaChat.Cluster.Tests;

using System.Globalization;
using System.Text.Json;

/// <summary>A fourth node joins a busy three-node cluster: shards move onto it and the traffic goes on unharmed.</summary>
public sealed class NodeJoinTests
{
    private const int Pairs = 2;
    private const int MaxMessages = 10_000;
    private const int Window = 10;

    /// <summary>
    /// Paced, so the traffic outlasts the rebalance however fast the cluster stores (~100 msgs/s per sender: 100 s of it);
    /// unpaced, two senders finished 3,000 messages each before the fourth node had its shards.
    /// </summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task A_fourth_node_receives_shards_while_traffic_continues_exactly_once_in_order()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);

        // Allocate most user shards: a profile lookup starts the (empty) entity, and with it its shard.
        var caller = await ClusterUser.SignUpAsync(a);
        await Parallel.ForEachAsync(Enumerable.Range(1, 300), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
            await ClusterUser.PostFormAsync(cluster.Nodes[id % 3], "/user/find", caller.Token, ("id", id.ToString(CultureInfo.InvariantCulture))));

        var senders = new List<ClusterUser>();
        var listeners = new List<V2Peer>();
        var recipients = new List<ClusterUser>();
        for (var i = 0; i < Pairs; i++)
        {
            var sender = await ClusterUser.SignUpAsync(cluster.Nodes[i % 3]);
            var recipient = await ClusterUser.SignUpAsync(cluster.Nodes[(i + 1) % 3]);
            await sender.OkAsync(a, "/contact/addfriend", ("dstid", recipient.Id.ToString(CultureInfo.InvariantCulture)));
            var listener = await recipient.ConnectAsync(b);
            await listener.SyncAsync(0);
            await listener.Synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
            senders.Add(sender);
            recipients.Add(recipient);
            listeners.Add(listener);
        }
        var senderSockets = new List<V2Peer>();
        foreach (var s in senders) senderSockets.Add(await s.ConnectAsync(a));
        using var stop = new CancellationTokenSource();
        var sending = Enumerable.Range(0, Pairs)
            .Select(i => Traffic.SendWindowedAsync(senderSockets[i], recipients[i].Id, $"j{i}", Enumerable.Range(0, MaxMessages), Window, stop.Token, Pace))
            .ToList();
        await Traffic.UntilAsync(() => senderSockets.Sum(p => p.Acks.Count) >= 50, TimeSpan.FromSeconds(60), "traffic running");

        var fourth = await cluster.AddNodeAsync();
        await cluster.AwaitMembersUpAsync(4, TimeSpan.FromSeconds(60), a);
        var fourthAddress = TestCluster.AddressOf(fourth);
        var userShards = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (userShards == 0 && DateTime.UtcNow < deadline)
        {
            var view = await TestCluster.AdminClusterAsync(a);
            userShards = view.GetProperty("nodes").EnumerateArray()
                .Where(n => n.GetProperty("address").GetString() == fourthAddress)
                .Select(n => n.GetProperty("entities").GetProperty("user").GetProperty("shards").GetInt32())
                .FirstOrDefault();
            if (userShards == 0) await Task.Delay(500);
        }
        Assert.True(userShards > 0, "the fourth node received no user shards within 90 s");
        var ackedAtRebalance = senderSockets.Sum(p => p.Acks.Count);

        // Traffic goes on after the move, then stops; everything sent is acknowledged and delivered once, in order.
        await Traffic.UntilAsync(() => senderSockets.Sum(p => p.Acks.Count) >= ackedAtRebalance + 100 || senderSockets.Any(p => p.Closed), TimeSpan.FromSeconds(60), "traffic after the rebalance");
        await stop.CancelAsync();
        var sent = await Task.WhenAll(sending);
        for (var i = 0; i < Pairs; i++)
        {
            var sender = senderSockets[i];
            Assert.False(sender.Closed, "a sender's socket stays open through the rebalance");
            // Messages in flight when the sending stopped are acknowledged too.
            await Traffic.UntilAsync(() => sender.Acks.Count >= sent[i], TimeSpan.FromSeconds(60), $"acks of sender {i}", throwOnTimeout: false);
            Assert.Equal(sent[i], sender.Acks.Count);
            var listener = listeners[i];
            await Traffic.UntilAsync(() => listener.Messages.Count >= sent[i], TimeSpan.FromSeconds(60), $"deliveries to recipient {i}");
            await Until.SettledAsync(() => listener.Messages.Count, Quiet.AcrossNodes, TimeSpan.FromSeconds(30), $"deliveries to recipient {i}"); // a duplicate would arrive right behind the last message
            Traffic.AssertExactlyOnceInOrder([.. listener.Messages], $"j{i}", sent[i]);
            Assert.Empty(senderSockets[i].Errors);
        }
        foreach (var peer in listeners.Concat(senderSockets)) await peer.DisposeAsync();
    }
}
