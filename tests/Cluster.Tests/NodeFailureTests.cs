namespace AkkaChat.Cluster.Tests;

using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

/// <summary>
/// A node dies (SIGKILL) or is stopped (SIGTERM) while v2 users send through it and their entities live on it.
/// Senders reconnect to another node and resend what was not acknowledged, with the same cids; recipients' sockets
/// stay on a surviving node. Every message ends up stored once and delivered once, in order. A seed-000 user whose
/// entity lives on the struck node sends throughout from a socket on a surviving node: its frames carry no cid and get
/// no ack, so only its connection can send again what the struck node lost, and each is stored once, in order.
/// </summary>
public sealed class NodeFailureTests
{
    private const int Pairs = 2;
    private const int MessagesPerSender = 300;
    private const int Window = 25;
    private const int MaxSeedSends = 2_000;

    /// <summary>10/s: the ~21 s a killed node's entities are away leave ~210 sends waiting, well under the socket's 1,024.</summary>
    private static readonly TimeSpan SeedPace = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task After_a_SIGKILLed_node_is_downed_every_acknowledged_message_arrives_exactly_once_in_order()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (survivor, other, victim) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var run = await PairsHostedOnAsync(cluster, victim, survivor);

        await run.SendUntilAsync(victim, MessagesPerSender * Pairs * 4 / 10, async () => await victim.KillAsync());

        // The resolver downs the dead node; its shards (these users' entities) start again on the survivors.
        await cluster.AwaitMembersUpAsync(2, TestCluster.StableAfter + TimeSpan.FromSeconds(60), survivor);
        await run.ResendAndAssertAsync(other);
    }

    [Fact]
    public async Task A_SIGTERMed_node_closes_its_sockets_with_1001_hands_its_shards_off_and_loses_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (survivor, other, victim) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var run = await PairsHostedOnAsync(cluster, victim, survivor);

        // Requests in flight through the stopping node are answered, never left to time out ("the server is busy").
        using var stopFinding = new CancellationTokenSource();
        var finder = run.Recipients[0];
        var replies = new List<string>();
        var finding = Task.Run(async () =>
        {
            while (!stopFinding.IsCancellationRequested)
            {
                try
                {
                    var reply = await ClusterUser.PostFormAsync(victim, "/user/find", finder.Token, ("id", run.Senders[0].Id.ToString(CultureInfo.InvariantCulture)));
                    lock (replies) replies.Add(reply.ToString());
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    // Refused or cut off: the node is gone, the client goes elsewhere. Only a "busy" answer is a failure.
                }
            }
        });

        int exitCode = -1;
        await run.SendUntilAsync(victim, MessagesPerSender * Pairs * 4 / 10, async () => exitCode = await victim.TerminateAsync(TimeSpan.FromSeconds(60)));
        await stopFinding.CancelAsync();
        await finding;

        Assert.Equal(0, exitCode);
        Assert.All(run.SenderSockets, s => Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, s.CloseStatus));
        lock (replies)
        {
            Assert.NotEmpty(replies);
            Assert.DoesNotContain(replies, r => r.Contains("busy", StringComparison.Ordinal));
        }
        await cluster.AwaitMembersUpAsync(2, TimeSpan.FromSeconds(60), survivor);
        await run.ResendAndAssertAsync(other);
    }

    /// <summary>Pairs whose users' entities live on <paramref name="host"/>: senders with sockets on it, recipients listening on <paramref name="listenOn"/>.</summary>
    private static async Task<PairRun> PairsHostedOnAsync(TestCluster cluster, ChatProcess host, ChatProcess listenOn)
    {
        var run = new PairRun();
        for (var i = 0; i < Pairs; i++)
        {
            var sender = await Traffic.UserHostedOnAsync(cluster, host);
            var recipient = await Traffic.UserHostedOnAsync(cluster, host);
            await sender.OkAsync(listenOn, "/contact/addfriend", ("dstid", recipient.Id.ToString(CultureInfo.InvariantCulture)));
            var listener = await recipient.ConnectAsync(listenOn);
            await listener.SyncAsync(0);
            await listener.Synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
            run.Senders.Add(sender);
            run.Recipients.Add(recipient);
            run.Listeners.Add(listener);
        }
        run.SeedSender = await Traffic.UserHostedOnAsync(cluster, host);
        run.SeedRecipient = await Traffic.UserHostedOnAsync(cluster, host);
        await run.SeedSender.OkAsync(listenOn, "/contact/addfriend", ("dstid", run.SeedRecipient.Id.ToString(CultureInfo.InvariantCulture)));
        run.SeedListener = await run.SeedRecipient.ConnectAsync(listenOn);
        await run.SeedListener.SyncAsync(0);
        await run.SeedListener.Synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        run.SeedSocket = await run.SeedSender.ConnectSeed000Async(listenOn);
        return run;
    }

    private sealed class PairRun
    {
        public List<ClusterUser> Senders { get; } = [];
        public List<ClusterUser> Recipients { get; } = [];
        public List<V2Peer> Listeners { get; } = [];
        public List<V2Peer> SenderSockets { get; } = [];
        public ClusterUser SeedSender { get; set; } = null!;
        public ClusterUser SeedRecipient { get; set; } = null!;
        public V2Peer SeedListener { get; set; } = null!;
        public ChatSocket SeedSocket { get; set; } = null!;
        private List<HashSet<int>> Acked { get; } = [];
        private readonly CancellationTokenSource _seedStop = new();
        private Task<int> _seedSending = Task.FromResult(0);

        /// <summary>All senders send through <paramref name="via"/>; once <paramref name="ackedBeforeStrike"/> are acknowledged, <paramref name="strike"/> runs.</summary>
        public async Task SendUntilAsync(ChatProcess via, int ackedBeforeStrike, Func<Task> strike)
        {
            foreach (var s in Senders) SenderSockets.Add(await s.ConnectAsync(via));
            _seedSending = Traffic.SendSeed000Async(SeedSocket, SeedRecipient.Id, "z", MaxSeedSends, SeedPace, _seedStop.Token);
            using var stop = new CancellationTokenSource();
            var sending = Enumerable.Range(0, Pairs)
                .Select(i => Traffic.SendWindowedAsync(SenderSockets[i], Recipients[i].Id, Tag(i), Enumerable.Range(0, MessagesPerSender), Window, stop.Token))
                .ToList();
            await Traffic.UntilAsync(() => SenderSockets.Sum(p => p.Acks.Count) >= ackedBeforeStrike, TimeSpan.FromSeconds(120), "acks before the strike");
            await strike();
            await Traffic.UntilAsync(() => SenderSockets.All(p => p.Closed), TimeSpan.FromSeconds(30), "sender sockets closed");
            await stop.CancelAsync();
            await Task.WhenAll(sending);
            foreach (var peer in SenderSockets) Acked.Add([.. Traffic.AckedNumbers(peer)]);
            Assert.InRange(Acked.Sum(a => a.Count), ackedBeforeStrike, Pairs * MessagesPerSender - 1);
        }

        /// <summary>
        /// Senders resend through <paramref name="via"/>; each recipient's surviving socket gets every message once, in
        /// order; a fresh sync shows each stored once.
        /// </summary>
        public async Task ResendAndAssertAsync(ChatProcess via)
        {
            for (var i = 0; i < Pairs; i++) await Traffic.ResendUnackedAsync(Senders[i], via, Recipients[i].Id, Tag(i), MessagesPerSender, Acked[i], Window);
            for (var i = 0; i < Pairs; i++)
            {
                var listener = Listeners[i];
                await Traffic.UntilAsync(() => listener.Messages.Count >= MessagesPerSender || listener.Closed, TimeSpan.FromSeconds(60), $"deliveries to recipient {i}");
                await Until.SettledAsync(() => listener.Messages.Count, Quiet.AcrossNodes, TimeSpan.FromSeconds(30), $"deliveries to recipient {i}"); // a duplicate would arrive right behind the last message
                Assert.False(listener.Closed, "the recipient's socket on a surviving node stays open");
                Traffic.AssertExactlyOnceInOrder([.. listener.Messages], Tag(i), MessagesPerSender);
                Traffic.AssertExactlyOnceInOrder(await Traffic.SyncFromStartAsync(Recipients[i], via), Tag(i), MessagesPerSender);
            }

            // The seed-000 sender sent through the strike and the recovery: every frame stored once, in the order sent.
            await _seedStop.CancelAsync();
            var seedSent = await _seedSending;
            await Traffic.UntilAsync(() => SeedListener.Messages.Count >= seedSent, TimeSpan.FromSeconds(60), "deliveries of the seed-000 sends", throwOnTimeout: false);
            await Until.SettledAsync(() => SeedListener.Messages.Count, Quiet.AcrossNodes, TimeSpan.FromSeconds(30), "deliveries of the seed-000 sends");
            var received = SeedListener.Messages.ToList();
            Assert.Equal(Enumerable.Range(1, seedSent).Select(n => (long)n), received.Select(m => m.GetProperty("seq").GetInt64()));
            Assert.Equal(Enumerable.Range(0, seedSent).Select(n => $"message {n} from z"), received.Select(m => m.GetProperty("content").GetString()));
            await SeedSocket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(200)); // none refused
            foreach (var peer in Listeners.Concat(SenderSockets).Append(SeedListener)) await peer.DisposeAsync();
            await SeedSocket.DisposeAsync();
            _seedStop.Dispose();
        }

        private static string Tag(int i) => $"s{i}";
    }
}
