namespace AkkaChat.Edge.Tests.Protocols.V2;

using System.Text.Json;
using AkkaChat.Edge.Tests.Sockets;
using Xunit.Abstractions;

/// <summary>
/// A recalled message never comes back with its content, on any path and to any device: the seed-000 offline backlog
/// (1:1 and room), v2 sync from 0 (1:1 and room, recipient and sender), a v2 device that syncs after a live recall,
/// history and the conversation list. Only a socket that was open when the message was stored got it whole.
/// </summary>
public sealed class RecallTests(ITestOutputHelper output)
{
    private const string Secret = "the secret that was recalled";
    private const string Oops = "oops, recalled while you watched";

    [Fact]
    public async Task On_sqlite_a_recalled_message_never_comes_back_with_its_content()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        await AssertRecallHoldsEverywhereAsync(host);
    }

    [Fact]
    public async Task On_postgresql_a_recalled_message_never_comes_back_with_its_content()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?>
        {
            ["AKKACHAT_STORAGE"] = "postgres",
            ["AKKACHAT_PG"] = database.ConnectionString,
        }, output);
        await AssertRecallHoldsEverywhereAsync(host);
    }

    [Fact]
    public async Task A_device_that_held_the_message_and_was_away_is_told_of_the_recall_when_it_syncs()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        var room = await alice.CreateRoomAsync("recalls");
        await bob.JoinRoomAsync(room);
        var (aliceInbox, bobInbox, roomStream) = ($"u{alice.UserId}", $"u{bob.UserId}", $"r{room}");
        await using var sender = await alice.ConnectSyncedV2Async();
        var secret = await SendAsync(sender, "s1", 10, bob.UserId, Secret);
        var roomSecret = await SendAsync(sender, "s2", 11, room, Secret);

        // Bob's phone reads both messages, then goes away with its cursors.
        long inboxCursor, roomCursor;
        await using (var phone = await bob.ConnectV2Async())
        {
            await phone.SyncAsync(0, new Dictionary<long, long> { [room] = 0 });
            var held = (await phone.ReceiveUntilAsync("synced")).Before.Where(f => f.Type() == "msg").ToList();
            inboxCursor = held.Single(f => f.GetProperty("stream").GetString() == bobInbox).GetProperty("seq").GetInt64();
            roomCursor = held.Single(f => f.GetProperty("stream").GetString() == roomStream).GetProperty("seq").GetInt64();
        }

        // While it is away both are recalled; "after" is stored in bob's inbox after the recall (see above).
        await RecallAsync(sender, aliceInbox, secret);
        await RecallAsync(sender, roomStream, roomSecret);
        await SendAsync(sender, "a1", 10, bob.UserId, "after");

        // Back, it syncs from its cursors: a recalled frame for each message it holds, then what is new.
        await using var back = await bob.ConnectV2Async();
        await back.SyncAsync(inboxCursor, new Dictionary<long, long> { [room] = roomCursor });
        var frames = (await back.ReceiveUntilAsync("synced")).Before;
        var told = frames.Where(f => f.Type() == "recalled").Select(f => (f.GetProperty("stream").GetString(), f.GetProperty("seq").GetInt64())).ToList();
        Assert.Equal([(roomStream, roomCursor), (bobInbox, inboxCursor)], told.Order()); // "r…" sorts before "u…"
        var fresh = Assert.Single(frames, f => f.Type() == "msg");
        Assert.Equal((bobInbox, inboxCursor + 1, "after"), (fresh.GetProperty("stream").GetString(), fresh.GetProperty("seq").GetInt64(), fresh.GetProperty("content").GetString()));

        // A device already past the recall in the inbox (it read the recalled slot there) is told only of the room.
        await using var laptop = await bob.ConnectV2Async();
        await laptop.SyncAsync(inboxCursor + 1, new Dictionary<long, long> { [room] = roomCursor });
        var again = (await laptop.ReceiveUntilAsync("synced")).Before;
        Assert.Equal([roomStream], again.Where(f => f.Type() == "recalled").Select(f => f.GetProperty("stream").GetString()));
    }

    private static async Task AssertRecallHoldsEverywhereAsync(ChatHost host)
    {
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        var room = await alice.CreateRoomAsync("recalls");
        await bob.JoinRoomAsync(room);
        var (aliceInbox, bobInbox, roomStream) = ($"u{alice.UserId}", $"u{bob.UserId}", $"r{room}");

        // Bob is offline: alice sends, recalls the secret in both streams, then sends once more. Her entity tells bob's of
        // the recall before it stores "after" there, so once "after" is acknowledged bob's copy is marked.
        await using var sender = await alice.ConnectSyncedV2Async();
        await SendAsync(sender, "k1", 10, bob.UserId, "kept");
        var secret = await SendAsync(sender, "s1", 10, bob.UserId, Secret);
        await SendAsync(sender, "k2", 11, room, "kept in room");
        var roomSecret = await SendAsync(sender, "s2", 11, room, Secret);
        await RecallAsync(sender, aliceInbox, secret);
        await RecallAsync(sender, roomStream, roomSecret);
        await SendAsync(sender, "a1", 10, bob.UserId, "after");
        await SendAsync(sender, "a2", 11, room, "after in room");

        // Seed-000, bob's first socket: the 1:1 backlog, then the room's catch-up, each without the recalled message.
        await using (var seed = await bob.OpenAsync("bob/seed-000"))
        {
            var frames = await seed.NextAsync(4);
            frames[0].AssertChat(10, alice.UserId, bob.UserId, "kept");
            frames[1].AssertChat(10, alice.UserId, bob.UserId, "after");
            frames[2].AssertChat(11, alice.UserId, room, "kept in room");
            frames[3].AssertChat(11, alice.UserId, room, "after in room");
            await seed.ExpectNothingAsync(TimeSpan.FromMilliseconds(500));
        }

        // V2 sync from 0: every slot is there (gap-free), the recalled one without content or client id.
        await using var bobPhone = await bob.ConnectV2Async();
        await bobPhone.SyncAsync(0, new Dictionary<long, long> { [room] = 0 });
        var (_, synced) = await bobPhone.ReceiveUntilAsync("synced");
        AssertStream(synced, bobInbox, ["kept", null, "after"]);
        AssertStream(synced, roomStream, ["kept in room", null, "after in room"]);

        // The sender's own other device, syncing from 0, sees her copy recalled too.
        await using (var aliceTablet = await alice.ConnectV2Async())
        {
            await aliceTablet.SyncAsync(0, new Dictionary<long, long> { [room] = 0 });
            var (_, tablet) = await aliceTablet.ReceiveUntilAsync("synced");
            AssertStream(tablet, aliceInbox, ["kept", null, "after"]);
            AssertStream(tablet, roomStream, ["kept in room", null, "after in room"]);
        }

        // History marks it.
        await bobPhone.SendJsonAsync(new { type = "history", conv = aliceInbox });
        AssertStream(AssertClean((await bobPhone.ReceiveUntilAsync("history")).Match).GetProperty("messages").EnumerateArray(), bobInbox, ["kept", null, "after"]);
        await bobPhone.SendJsonAsync(new { type = "history", conv = roomStream });
        AssertStream(AssertClean((await bobPhone.ReceiveUntilAsync("history")).Match).GetProperty("messages").EnumerateArray(), roomStream, ["kept in room", null, "after in room"]);

        // Live: bob's phone sees the message (it was open when it was stored), then its recall.
        var oops = await SendAsync(sender, "o1", 10, bob.UserId, Oops);
        await ExpectLiveAsync(bobPhone, bobInbox, 4);
        var roomOops = await SendAsync(sender, "o2", 11, room, Oops);
        await ExpectLiveAsync(bobPhone, roomStream, 4);
        await RecallAsync(sender, aliceInbox, oops);
        await RecallAsync(sender, roomStream, roomOops);
        var recalls = new[] { (await bobPhone.ReceiveUntilAsync("recalled")).Match, (await bobPhone.ReceiveUntilAsync("recalled")).Match };
        Assert.Equal(new[] { roomStream, bobInbox }, recalls.Select(r => r.GetProperty("stream").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(recalls, r => Assert.Equal(4, r.GetProperty("seq").GetInt64()));

        // The conversation list shows each conversation's last message as recalled.
        await bobPhone.SendJsonAsync(new { type = "conversations" });
        var list = AssertClean((await bobPhone.ReceiveUntilAsync("conversations")).Match).GetProperty("items").EnumerateArray().ToList();
        AssertSlot(list.Single(i => i.GetProperty("conv").GetString() == aliceInbox).GetProperty("last"), bobInbox, 4);
        AssertSlot(list.Single(i => i.GetProperty("conv").GetString() == roomStream).GetProperty("last"), roomStream, 4);

        // A new device of bob's, syncing after the live recall.
        await using var bobLaptop = await bob.ConnectV2Async();
        await bobLaptop.SyncAsync(0, new Dictionary<long, long> { [room] = 0 });
        var (_, laptop) = await bobLaptop.ReceiveUntilAsync("synced");
        AssertStream(laptop, bobInbox, ["kept", null, "after", null]);
        AssertStream(laptop, roomStream, ["kept in room", null, "after in room", null]);
    }

    private static async Task<long> SendAsync(ChatSocket socket, string cid, int cmd, long dstId, string content)
    {
        await socket.SendJsonAsync(new { type = "send", cid, cmd, dstid = dstId, media = 1, content });
        var (ack, skipped) = await socket.ReceiveUntilAsync("ack", maxFrames: 50);
        Assert.DoesNotContain(skipped, f => f.Type() == "error");
        Assert.Equal(cid, ack.GetProperty("cid").GetString());
        return ack.GetProperty("seq").GetInt64();
    }

    /// <summary>Recalls <paramref name="seq"/> of <paramref name="stream"/> and waits for the sender's own <c>recalled</c>.</summary>
    private static async Task RecallAsync(ChatSocket socket, string stream, long seq)
    {
        await socket.SendJsonAsync(new { type = "recall", cid = $"recall-{stream}-{seq}", stream, seq });
        var (recalled, skipped) = await socket.ReceiveUntilAsync("recalled", maxFrames: 50);
        Assert.DoesNotContain(skipped, f => f.Type() == "error");
        Assert.Equal(stream, recalled.GetProperty("stream").GetString());
        Assert.Equal(seq, recalled.GetProperty("seq").GetInt64());
    }

    private static async Task ExpectLiveAsync(ChatSocket socket, string stream, long seq)
    {
        var (live, _) = await socket.ReceiveUntilAsync("msg", maxFrames: 50);
        Assert.Equal(stream, live.GetProperty("stream").GetString());
        Assert.Equal(seq, live.GetProperty("seq").GetInt64());
        Assert.Equal(Oops, live.GetProperty("content").GetString());
    }

    /// <summary>
    /// The <c>msg</c> frames of <paramref name="stream"/> among <paramref name="frames"/>: seqs 1, 2, … in order, with these
    /// contents; null marks a recalled slot. No frame carries the secret.
    /// </summary>
    private static void AssertStream(IEnumerable<JsonElement> frames, string stream, string?[] contents)
    {
        var messages = frames.Select(AssertClean).Where(f => f.Type() == "msg" && f.GetProperty("stream").GetString() == stream).ToList();
        Assert.True(contents.Length == messages.Count, $"{stream}: expected {contents.Length} messages, got {string.Join(", ", messages)}");
        for (var i = 0; i < contents.Length; i++)
        {
            if (contents[i] is { } content)
            {
                Assert.Equal(i + 1, messages[i].GetProperty("seq").GetInt64());
                Assert.Equal(content, messages[i].GetProperty("content").GetString());
                Assert.False(messages[i].TryGetProperty("recalled", out _), $"not recalled: {messages[i]}");
            }
            else
            {
                AssertSlot(messages[i], stream, i + 1);
            }
        }
    }

    /// <summary>A recalled slot: who sent what when, and nothing of the message itself.</summary>
    private static void AssertSlot(JsonElement slot, string stream, long seq)
    {
        Assert.Equal("msg", slot.Type());
        Assert.Equal(stream, slot.GetProperty("stream").GetString());
        Assert.Equal(seq, slot.GetProperty("seq").GetInt64());
        Assert.True(slot.GetProperty("recalled").GetBoolean(), $"expected a recalled slot: {slot}");
        foreach (var field in new[] { "content", "cid", "media", "pic", "url", "memo", "amount" })
            Assert.False(slot.TryGetProperty(field, out _), $"a recalled slot has no {field}: {slot}");
        foreach (var field in new[] { "mid", "userid", "cmd", "dstid", "createat" })
            Assert.True(slot.TryGetProperty(field, out _), $"a recalled slot keeps {field}: {slot}");
    }

    private static JsonElement AssertClean(JsonElement frame)
    {
        Assert.DoesNotContain(Secret, frame.GetRawText(), StringComparison.Ordinal);
        return frame;
    }
}
