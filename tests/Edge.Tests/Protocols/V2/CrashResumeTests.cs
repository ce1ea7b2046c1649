namespace AkkaChat.Edge.Tests.Protocols.V2;

using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// The durability promise under SIGKILL: several senders send ~10,000 messages, the server process is killed
/// mid-burst and restarted on the same SQLite file; senders resend every unacknowledged cid; every recipient,
/// resuming from its cursor, gets every acknowledged message exactly once, in order, and no resend made a duplicate.
/// </summary>
public sealed class CrashResumeTests
{
    private const int Pairs = 4;
    private const int MessagesPerSender = 2_500;
    private const int Window = 200;

    /// <remarks>Also with <c>synchronous=NORMAL</c>: under WAL it must survive a process crash just the same.</remarks>
    [Theory]
    [InlineData("full")]
    [InlineData("normal")]
    public async Task Every_acknowledged_message_arrives_exactly_once_in_order_across_a_kill_9(string sqliteSync)
    {
        await using var server = new ChatProcess(new Dictionary<string, string?> { ["AKKACHAT_MSG_RATE"] = "100000", ["AKKACHAT_SQLITE_SYNC"] = sqliteSync });
        await server.StartAsync();

        var senders = new List<Account>();
        var recipients = new List<Account>();
        for (var i = 0; i < Pairs; i++)
        {
            senders.Add(await Account.SignUpAsync(server.BaseUri));
            recipients.Add(await Account.SignUpAsync(server.BaseUri));
            await senders[i].PostAsync(server.BaseUri, "/contact/addfriend", ("dstid", recipients[i].Id.ToString()));
        }

        // Recipients listen live through the crash, from cursor 0.
        var received = recipients.Select(_ => new List<JsonElement>()).ToList();
        var listeners = new List<V2Peer>();
        foreach (var r in recipients)
        {
            var peer = await V2Peer.ConnectAsync(server.BaseUri, r.Id, r.Token);
            await peer.SyncAsync(0);
            await peer.Synced.Task.WaitAsync(TimeSpan.FromSeconds(10));
            listeners.Add(peer);
        }

        // First burst: all senders at once; kill the process when about 40 % is acknowledged.
        var acked = senders.Select(_ => new HashSet<int>()).ToList();
        var burst = new List<V2Peer>();
        foreach (var s in senders) burst.Add(await V2Peer.ConnectAsync(server.BaseUri, s.Id, s.Token));
        using var stopSending = new CancellationTokenSource();
        var sending = Enumerable.Range(0, Pairs).Select(i => SendWindowedAsync(burst[i], recipients[i].Id, i, Enumerable.Range(0, MessagesPerSender), stopSending.Token)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (burst.Sum(p => p.Acks.Count) < Pairs * MessagesPerSender * 4 / 10 && DateTime.UtcNow < deadline) await Task.Delay(5);
        await server.KillAsync();
        await stopSending.CancelAsync();
        await Task.WhenAll(sending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        for (var i = 0; i < Pairs; i++)
        {
            foreach (var cid in burst[i].Acks.Keys) acked[i].Add(int.Parse(cid.Split('-')[1]));
            await burst[i].DisposeAsync();
            received[i].AddRange(listeners[i].Messages);
            await listeners[i].DisposeAsync();
        }
        var ackedBeforeKill = acked.Sum(a => a.Count);
        Assert.InRange(ackedBeforeKill, 1, Pairs * MessagesPerSender - 1);

        // Restart on the same database; senders resend everything not acknowledged (some of it was stored).
        await server.StartAsync();
        var resumed = new List<V2Peer>();
        for (var i = 0; i < Pairs; i++)
        {
            var cursor = received[i].Count == 0 ? 0 : received[i][^1].GetProperty("seq").GetInt64();
            var peer = await V2Peer.ConnectAsync(server.BaseUri, recipients[i].Id, recipients[i].Token);
            await peer.SyncAsync(cursor);
            resumed.Add(peer);
        }
        var resend = new List<V2Peer>();
        for (var i = 0; i < Pairs; i++)
        {
            var peer = await V2Peer.ConnectAsync(server.BaseUri, senders[i].Id, senders[i].Token);
            resend.Add(peer);
            var missing = Enumerable.Range(0, MessagesPerSender).Where(n => !acked[i].Contains(n)).ToList();
            await SendWindowedAsync(peer, recipients[i].Id, i, missing, CancellationToken.None);
            foreach (var cid in peer.Acks.Keys) acked[i].Add(int.Parse(cid.Split('-')[1]));
            Assert.Equal(MessagesPerSender, acked[i].Count);
        }

        // Every recipient ends with exactly the messages its sender sent, once each, in order.
        for (var i = 0; i < Pairs; i++)
        {
            var peer = resumed[i];
            var until = DateTime.UtcNow.AddSeconds(60);
            while (received[i].Count + peer.Messages.Count < MessagesPerSender && DateTime.UtcNow < until && !peer.Closed) await Task.Delay(10);
            var all = received[i].Concat(peer.Messages).ToList();
            var seqs = all.Select(m => m.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(n => (long)n), seqs);
            var cids = all.Select(m => m.GetProperty("cid").GetString()!).ToList();
            Assert.Equal(MessagesPerSender, cids.Distinct().Count());
            Assert.Equal(MessagesPerSender, cids.Count);
            Assert.All(all, m => Assert.Equal(senders[i].Id, m.GetProperty("userid").GetInt64()));
        }
        foreach (var p in resumed.Concat(resend)) await p.DisposeAsync();
    }

    /// <summary>Sends cids "{sender}-{n}" keeping at most <see cref="Window"/> unacknowledged; stops quietly when the connection dies.</summary>
    private static async Task SendWindowedAsync(V2Peer peer, long to, int sender, IEnumerable<int> numbers, CancellationToken stop)
    {
        var sent = 0;
        foreach (var n in numbers)
        {
            var waitUntil = DateTime.UtcNow.AddSeconds(30);
            while (sent - peer.Acks.Count >= Window)
            {
                if (stop.IsCancellationRequested || peer.Closed || DateTime.UtcNow > waitUntil) return;
                await Task.Delay(1, CancellationToken.None);
            }
            if (stop.IsCancellationRequested || peer.Closed) return;
            try
            {
                await peer.SendDirectAsync($"{sender}-{n}", to, $"message {n} from {sender}");
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            sent++;
        }
        var drainUntil = DateTime.UtcNow.AddSeconds(60);
        while (peer.Acks.Count < sent && !peer.Closed && !stop.IsCancellationRequested && DateTime.UtcNow < drainUntil) await Task.Delay(5, CancellationToken.None);
    }

    private sealed record Account(long Id, string Token)
    {
        public static async Task<Account> SignUpAsync(Uri baseUri)
        {
            using var http = new HttpClient { BaseAddress = baseUri };
            var mobile = "137" + Random.Shared.NextInt64(10_000_000, 99_999_999);
            await http.PostAsync("/user/register", new FormUrlEncodedContent(new Dictionary<string, string> { ["mobile"] = mobile, ["passwd"] = "secret123" }));
            var login = await (await http.PostAsync("/user/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["mobile"] = mobile, ["passwd"] = "secret123" })))
                .Content.ReadFromJsonAsync<JsonElement>();
            var data = login.GetProperty("data");
            return new Account(data.GetProperty("id").GetInt64(), data.GetProperty("token").GetString()!);
        }

        public async Task PostAsync(Uri baseUri, string path, params (string Key, string Value)[] fields)
        {
            using var http = new HttpClient { BaseAddress = baseUri };
            http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
            var reply = await (await http.PostAsync(path, new FormUrlEncodedContent(fields.ToDictionary(f => f.Key, f => f.Value)))).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(0, reply.GetProperty("code").GetInt32());
        }
    }
}
