namespace AkkaChat.Cluster.Tests;

using System.Text.Json;

/// <summary>Placing users on chosen nodes, windowed 1:1 traffic with resend by cid, and bounded waits.</summary>
public static class Traffic
{
    /// <summary>Registers users (through every node in turn) until one's user entity lives on <paramref name="host"/>.</summary>
    public static async Task<ClusterUser> UserHostedOnAsync(TestCluster cluster, ChatProcess host, int attempts = 40)
    {
        var want = TestCluster.AddressOf(host);
        for (var i = 0; i < attempts; i++)
        {
            var user = await ClusterUser.SignUpAsync(cluster.Nodes[i % cluster.Nodes.Count]);
            if (await TestCluster.LocateAsync(host, "user", user.Id) == want) return user;
        }
        throw new InvalidOperationException($"no user of {attempts} landed on {want}");
    }

    /// <summary>
    /// Sends cids "{tag}-{n}" keeping at most <paramref name="window"/> unacknowledged (and, with <paramref name="every"/>,
    /// one send per interval at most), until <paramref name="stop"/> or the socket dies; then waits (bounded) for the
    /// acks of what it sent. Returns how many it sent.
    /// </summary>
    public static async Task<int> SendWindowedAsync(V2Peer peer, long to, string tag, IEnumerable<int> numbers, int window, CancellationToken stop, TimeSpan? every = null)
    {
        var sent = 0;
        foreach (var n in numbers)
        {
            var waitUntil = DateTime.UtcNow.AddSeconds(30);
            while (sent - peer.Acks.Count >= window)
            {
                if (stop.IsCancellationRequested || peer.Closed || DateTime.UtcNow > waitUntil) return sent;
                await Task.Delay(2, CancellationToken.None);
            }
            if (stop.IsCancellationRequested || peer.Closed) return sent;
            try
            {
                await peer.SendDirectAsync($"{tag}-{n}", to, $"message {n} from {tag}");
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return sent;
            }
            sent++;
            if (every is { } interval) await Task.Delay(interval, CancellationToken.None);
        }
        await UntilAsync(() => peer.Acks.Count >= sent || peer.Closed || stop.IsCancellationRequested, TimeSpan.FromSeconds(60), throwOnTimeout: false);
        return sent;
    }

    /// <summary>
    /// Sends seed-000 1:1 frames "message {n} from {tag}" (no cid: the connection makes one, and no ack comes back), one
    /// per <paramref name="every"/>, until <paramref name="stop"/>, <paramref name="max"/> or the socket dies. Returns how
    /// many it sent.
    /// </summary>
    public static async Task<int> SendSeed000Async(ChatSocket socket, long to, string tag, int max, TimeSpan every, CancellationToken stop)
    {
        var sent = 0;
        while (sent < max && !stop.IsCancellationRequested)
        {
            try
            {
                await socket.SendJsonAsync(new { id = sent + 1, cmd = 10, dstid = to, media = 1, content = $"message {sent} from {tag}" });
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return sent;
            }
            sent++;
            await Task.Delay(every, CancellationToken.None);
        }
        return sent;
    }

    /// <summary>The message numbers <paramref name="peer"/> has acknowledged ("{tag}-{n}" cids).</summary>
    public static IEnumerable<int> AckedNumbers(V2Peer peer) => peer.Acks.Keys.Select(cid => int.Parse(cid[(cid.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Resends every message of 0..<paramref name="total"/> not in <paramref name="acked"/> through a fresh socket on
    /// <paramref name="via"/> (same cids), until all are acknowledged (bounded).
    /// </summary>
    public static async Task ResendUnackedAsync(ClusterUser sender, ChatProcess via, long to, string tag, int total, HashSet<int> acked, int window)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (acked.Count < total)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{tag}: {total - acked.Count} messages still unacknowledged after resending for 90 s");
            await using var peer = await sender.ConnectAsync(via);
            await SendWindowedAsync(peer, to, tag, Enumerable.Range(0, total).Where(n => !acked.Contains(n)).ToList(), window, CancellationToken.None);
            acked.UnionWith(AckedNumbers(peer));
        }
    }

    /// <summary>
    /// The 1:1 messages <paramref name="received"/> are exactly the <paramref name="total"/> sent by <paramref name="tag"/>,
    /// once each, in order: inbox sequence numbers 1..total and every cid once.
    /// </summary>
    public static void AssertExactlyOnceInOrder(IReadOnlyList<JsonElement> received, string tag, int total)
    {
        var seqs = received.Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(n => (long)n), seqs);
        var cids = received.Select(m => m.GetProperty("cid").GetString()!).ToList();
        Assert.Equal(Enumerable.Range(0, total).Select(n => $"{tag}-{n}").Order(StringComparer.Ordinal), cids.Order(StringComparer.Ordinal));
    }

    /// <summary>Every message of <paramref name="user"/>'s inbox from the start, read by a fresh socket through <paramref name="via"/>.</summary>
    public static async Task<List<JsonElement>> SyncFromStartAsync(ClusterUser user, ChatProcess via, IReadOnlyDictionary<long, long>? rooms = null)
    {
        await using var peer = await user.ConnectAsync(via);
        await peer.SendAsync(JsonSerializer.Serialize(new
        {
            type = "sync",
            inbox = 0,
            rooms = (rooms ?? new Dictionary<long, long>()).ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value),
        }));
        await peer.Synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return [.. peer.Messages];
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling, for at most <paramref name="bound"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan bound, string? what = null, bool throwOnTimeout = true)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                if (throwOnTimeout) throw new TimeoutException($"not within {bound.TotalSeconds} s: {what}");
                return;
            }
            await Task.Delay(20);
        }
    }
}
