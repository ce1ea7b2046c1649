namespace AkkaChat.Edge.Tests.Protocols.Seed000;

using System.Globalization;
using Xunit.Abstractions;

/// <summary>
/// The seed-000 offline backlog is read from the journal by the socket while live pushes race it: what the user missed
/// comes first, oldest first, at most <c>MaxBacklog</c> (500, the newest), without recalled messages; what is stored
/// while the read runs comes after it, exactly once; the socket's own sends never come back to it.
/// </summary>
public sealed class OfflineBacklogTests(ITestOutputHelper output)
{
    private const int Direct = 10;
    private const int MaxBacklog = 500;
    private const int SendWindow = 256;

    /// <summary>Rate limits out of the way: the tests store hundreds of messages in a burst.</summary>
    private static readonly Dictionary<string, string?> Unthrottled = new() { ["AKKACHAT_MSG_RATE"] = "10000" };

    [Fact]
    public async Task Messages_stored_while_the_backlog_is_read_arrive_once_and_after_it()
    {
        const int offline = MaxBacklog;
        const int ownSends = 20;
        await using var host = await ChatHost.StartAsync(Unthrottled, output);
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await using var sender = await alice.ConnectSyncedV2Async();
        await SendAllAsync(sender, bob.UserId, Enumerable.Range(1, offline).Select(i => "offline " + i));

        await using var bobSocket = await bob.OpenAsync("bob");
        await using var bobWitness = await bob.OpenAsync("bob/witness"); // a second device: live only
        // Right after the handshake, while the backlog is still being read: a message to bob, and some from him.
        await sender.SendDirectAsync("live", bob.UserId, "live after connect");
        for (var i = 1; i <= ownSends; i++)
            await bobSocket.SendAsync(new { id = i, dstid = alice.UserId, cmd = Direct, media = 1, content = "bob while reading " + i });

        var frames = await bobSocket.NextAsync(offline + 1, TimeSpan.FromSeconds(30));
        var expected = Enumerable.Range(1, offline).Select(i => "offline " + i).Append("live after connect");
        Assert.Equal(expected, frames.Select(f => f.Text("content")));
        Assert.Equal(Enumerable.Range(1, offline).Select(i => (long)i), frames.Take(offline).Select(f => f.Number("id")!.Value));
        // The witness got bob's own sends and alice's live one, interleaved as they were stored; bob's socket never gets
        // its own sends back, neither live nor from a journal read.
        var witnessed = await bobWitness.NextAsync(ownSends + 1);
        Assert.Equal(
            Enumerable.Range(1, ownSends).Select(i => "bob while reading " + i).Append("live after connect").Order(),
            witnessed.Select(f => f.Text("content")).Order());
        await bobSocket.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task More_than_the_cap_offline_gives_the_newest_without_the_recalled_and_moves_the_delivery_cursor()
    {
        const int offline = MaxBacklog + 20;
        await using var host = await ChatHost.StartAsync(Unthrottled, output);
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await using var sender = await alice.ConnectSyncedV2Async();
        var seqs = await SendAllAsync(sender, bob.UserId, Enumerable.Range(1, offline).Select(Text));
        // One recalled among the newest 500, and the newest one: neither is sent, and neither takes a place in the 500.
        await RecallAsync(sender, alice.UserId, seqs[510 - 1]);
        await RecallAsync(sender, alice.UserId, seqs[offline - 1]);

        await using (var bobSocket = await bob.OpenAsync("bob"))
        {
            var frames = await bobSocket.NextAsync(MaxBacklog, TimeSpan.FromSeconds(30));
            var expected = Enumerable.Range(1, offline - 1).Where(i => i != 510).TakeLast(MaxBacklog).Select(Text);
            Assert.Equal(expected, frames.Select(f => f.Text("content")));
            Assert.Equal("m19", frames[0].Text("content"));
            await bobSocket.ExpectNothingAsync(Quiet.Window);
        }

        // What was written counts as delivered, the recalled newest one too: nothing comes again, the next message is live.
        await using var again = await bob.OpenAsync("bob/again");
        await sender.SendDirectAsync("next", bob.UserId, "next");
        var next = await again.NextAsync();
        next.AssertChat(Direct, alice.UserId, bob.UserId, "next");
        Assert.Equal(offline + 1, next.Number("id"));
    }

    private static string Text(int i) => "m" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Sends every text to <paramref name="to"/>, up to <see cref="SendWindow"/> unacknowledged at a time (a v2 socket
    /// takes half its queue's worth in flight); their seqs, in order.
    /// </summary>
    private static async Task<long[]> SendAllAsync(ChatSocket sender, long to, IEnumerable<string> texts)
    {
        var list = texts.ToList();
        var seqs = new Dictionary<string, long>();
        for (var i = 0; i < list.Count || seqs.Count < list.Count;)
        {
            if (i < list.Count && i - seqs.Count < SendWindow)
            {
                await sender.SendDirectAsync("c" + i.ToString(CultureInfo.InvariantCulture), to, list[i]);
                i++;
                continue;
            }
            var (ack, skipped) = await sender.ReceiveUntilAsync("ack", maxFrames: 50);
            Assert.DoesNotContain(skipped, f => f.Type() == "error");
            seqs[ack.GetProperty("cid").GetString()!] = ack.GetProperty("seq").GetInt64();
        }
        return [.. Enumerable.Range(0, list.Count).Select(i => seqs["c" + i.ToString(CultureInfo.InvariantCulture)])];
    }

    private static async Task RecallAsync(ChatSocket sender, long senderId, long seq)
    {
        var stream = "u" + senderId.ToString(CultureInfo.InvariantCulture);
        await sender.SendJsonAsync(new { type = "recall", cid = "recall-" + seq.ToString(CultureInfo.InvariantCulture), stream, seq });
        var (recalled, skipped) = await sender.ReceiveUntilAsync("recalled", maxFrames: 50);
        Assert.DoesNotContain(skipped, f => f.Type() == "error");
        Assert.Equal(seq, recalled.GetProperty("seq").GetInt64());
    }
}
