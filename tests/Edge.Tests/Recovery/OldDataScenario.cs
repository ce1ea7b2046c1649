namespace AkkaChat.Edge.Tests.Recovery;

using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaChat.Edge.Tests.Contacts;
using AkkaChat.Edge.Tests.Sockets;

/// <summary>What the old-data scenario left behind that a later reader needs: ids, tokens and passwords.</summary>
public sealed record OldDataFacts(
    Dictionary<string, long> Users,
    Dictionary<string, string> Mobiles,
    Dictionary<string, string> Passwords,
    long Lounge,
    long Attic,
    string RevokedToken,
    string LiveToken,
    string OldPassword);

/// <summary>
/// The scenario behind <c>Fixtures/OldData</c>: over real HTTP and both socket protocols it makes a node store every
/// persisted event type (see the fixture's README), and it reads back everything a client can observe of the result.
/// </summary>
public static class OldDataScenario
{
    public const string NewAlicePassword = "alice-new-pass";
    private const string Password = "secret123";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly (string Key, string Mobile, string Nickname, string Sex, string Memo)[] People =
    [
        ("alice", "13800000001", "Alice", "F", "first of all"),
        ("bob", "13800000002", "Bob", "M", ""),
        ("carol", "13800000003", "Carol", "F", "likes rooms"),
        ("dave", "13800000004", "Dave", "M", ""),
        ("erin", "13800000005", "Erin", "", "waiting for an answer"),
        ("frank", "13800000006", "Frank", "M", ""),
    ];

    /// <summary>Drives the scenario against the node at <paramref name="node"/>; every step is asserted to have worked.</summary>
    public static async Task<OldDataFacts> WriteAsync(Uri node)
    {
        var c = new Dictionary<string, ChatClient>();
        foreach (var p in People)
        {
            var client = new ChatClient(node);
            await client.OkAsync("/user/register", ("mobile", p.Mobile), ("passwd", Password), ("nickname", p.Nickname), ("sex", p.Sex), ("memo", p.Memo), ("avatar", $"/mnt/{p.Key}.png"));
            await client.LogInAsync(p.Mobile, Password);
            c[p.Key] = client;
        }
        var (alice, bob, carol, dave, erin, frank) = (c["alice"], c["bob"], c["carol"], c["dave"], c["erin"], c["frank"]);
        var revokedToken = alice.Token;

        // Friendship by add, by an accepted request, a rejected request, one left open, an add that cannot complete,
        // a removal, a block lifted and a block kept.
        await alice.OkAsync("/contact/addfriend", ("dstid", bob.UserId.Digits()));
        await carol.OkAsync("/contact/request", ("dstid", alice.UserId.Digits()), ("memo", "hi from carol"));
        await alice.OkAsync("/contact/accept", ("dstid", carol.UserId.Digits()));
        await dave.OkAsync("/contact/request", ("dstid", alice.UserId.Digits()), ("memo", "dave here"));
        await alice.OkAsync("/contact/reject", ("dstid", dave.UserId.Digits()));
        await erin.OkAsync("/contact/request", ("dstid", alice.UserId.Digits()), ("memo", "please add me"));
        await frank.OkAsync("/contact/block", ("dstid", dave.UserId.Digits()));
        await dave.RefusedAsync("does not accept", "/contact/addfriend", ("dstid", frank.UserId.Digits()));
        await alice.OkAsync("/contact/addfriend", ("dstid", dave.UserId.Digits()));
        await alice.OkAsync("/contact/removefriend", ("dstid", dave.UserId.Digits()));
        await alice.OkAsync("/contact/block", ("dstid", dave.UserId.Digits()));
        await alice.OkAsync("/contact/unblock", ("dstid", dave.UserId.Digits()));
        await bob.OkAsync("/contact/block", ("dstid", frank.UserId.Digits()));

        // Rooms: created, joined, left, a member removed, ownership transferred, a join of a room that does not exist.
        var lounge = (await alice.OkAsync("/contact/createcommunity", ("name", "lounge"), ("memo", "everyone"), ("cate", "2"))).GetProperty("id").GetInt64();
        var attic = (await alice.OkAsync("/contact/createcommunity", ("name", "attic"))).GetProperty("id").GetInt64();
        foreach (var member in new[] { bob, carol, dave }) await member.OkAsync("/contact/joincommunity", ("dstid", lounge.Digits()));
        await frank.OkAsync("/contact/joincommunity", ("dstid", attic.Digits()));
        await dave.OkAsync("/contact/leavecommunity", ("dstid", lounge.Digits()));
        await alice.OkAsync("/contact/removemember", ("dstid", lounge.Digits()), ("memberid", carol.UserId.Digits()));
        await alice.OkAsync("/contact/transfer", ("dstid", lounge.Digits()), ("memberid", bob.UserId.Digits()));
        await alice.RefusedAsync("does not exist", "/contact/joincommunity", ("dstid", (attic + 500).Digits()));

        // Seed-000: bob reads live 1:1 and room messages, then goes away (his delivery marks are stored on close).
        await using (var bobSeed = await FrameInbox.OpenAsync(bob, "bob seed-000"))
        await using (var aliceSeed = await FrameInbox.OpenAsync(alice, "alice seed-000"))
        {
            for (var i = 1; i <= 3; i++)
            {
                await aliceSeed.SendAsync(new { id = i, cmd = 10, dstid = bob.UserId, media = 1, content = $"seed hello {i}" });
                await bobSeed.NextChatAsync(10, alice.UserId, bob.UserId, $"seed hello {i}", Wait);
            }
            await bobSeed.SendAsync(new { id = 1, cmd = 10, dstid = alice.UserId, media = 6, content = "😀", memo = "an emoji" });
            await aliceSeed.NextChatAsync(10, bob.UserId, alice.UserId, "😀", Wait);
            for (var i = 1; i <= 2; i++)
            {
                await aliceSeed.SendAsync(new { id = 10 + i, cmd = 11, dstid = lounge, media = 1, content = $"seed room {i}" });
                await bobSeed.NextChatAsync(11, alice.UserId, lounge, $"seed room {i}", Wait);
            }
        }
        await using (var frankSeed = await FrameInbox.OpenAsync(frank, "frank seed-000"))
        {
            await frankSeed.SendAsync(new { id = 1, cmd = 11, dstid = attic, media = 4, content = "", url = "/mnt/attic.png" });
            await frankSeed.SendAsync(new { id = 2, cmd = 11, dstid = attic, media = 1, content = "anyone up here?" });
            await frankSeed.SendAsync(new { id = 3, cmd = 0 });
            // Room sends have no reply on seed-000: the conversation list below shows them stored.
        }

        // Protocol v2 while bob is away: 1:1 and room messages, recalls, a read marker and flags.
        await using (var aliceV2 = await SyncedV2Async(alice, "alice v2"))
        await using (var carolV2 = await SyncedV2Async(carol, "carol v2"))
        {
            var acks = new Dictionary<string, JsonElement>();
            foreach (var (cid, to, text) in new[] { ("a1", bob.UserId, "v2 one"), ("a2", bob.UserId, "v2 two (recalled)"), ("a3", bob.UserId, "v2 three") })
                acks[cid] = await SendV2Async(aliceV2, cid, 10, to, text);
            foreach (var (cid, text) in new[] { ("r1", "room one"), ("r2", "room two (recalled)"), ("r3", "room three") })
                acks[cid] = await SendV2Async(aliceV2, cid, 11, lounge, text);
            await SendV2Async(carolV2, "c1", 10, alice.UserId, "carol one");
            await SendV2Async(carolV2, "c2", 10, alice.UserId, "carol two");
            var carolToAlice = await UntilAsync(aliceV2, f => f.Text("type") == "msg" && f.Text("cid") == "c1");

            await aliceV2.SendAsync(new { type = "recall", cid = "x1", stream = acks["a2"].Text("stream"), seq = acks["a2"].Number("seq") });
            await UntilAsync(aliceV2, f => f.Text("type") == "recalled" && f.Number("seq") == acks["a2"].Number("seq") && f.Text("stream") == acks["a2"].Text("stream"));
            await aliceV2.SendAsync(new { type = "recall", cid = "x2", stream = acks["r2"].Text("stream"), seq = acks["r2"].Number("seq") });
            await UntilAsync(aliceV2, f => f.Text("type") == "recalled" && f.Text("stream") == acks["r2"].Text("stream"));
            await aliceV2.SendAsync(new { type = "read", conv = $"u{carol.UserId}", seq = carolToAlice.Number("seq") });
            await UntilAsync(aliceV2, f => f.Text("type") == "read");
            await aliceV2.SendAsync(new { type = "read", conv = $"r{lounge}", seq = acks["r1"].Number("seq") });
            await UntilAsync(aliceV2, f => f.Text("type") == "read" && f.Text("conv") == $"r{lounge}");
            await aliceV2.SendAsync(new { type = "flags", conv = $"r{lounge}", pinned = true });
            await UntilAsync(aliceV2, f => f.Text("type") == "flags" && f.Text("conv") == $"r{lounge}");
            await aliceV2.SendAsync(new { type = "flags", conv = $"u{carol.UserId}", muted = true });
            await UntilAsync(aliceV2, f => f.Text("type") == "flags" && f.Text("conv") == $"u{carol.UserId}");
        }

        // Sessions: alice changes her password (her earlier token ends), erin logs out.
        await alice.OkAsync("/user/passwd", ("oldpasswd", Password), ("passwd", NewAlicePassword));
        await alice.LogInAsync(alice.Mobile, NewAlicePassword);
        var loggedOut = await erin.PostAsync("/user/logout");
        Assert.True(loggedOut.GetProperty("code").GetInt32() == 0, $"logout: {loggedOut}");

        var facts = new OldDataFacts(
            c.ToDictionary(kv => kv.Key, kv => kv.Value.UserId),
            People.ToDictionary(p => p.Key, p => p.Mobile),
            People.ToDictionary(p => p.Key, p => p.Key == "alice" ? NewAlicePassword : Password),
            lounge,
            attic,
            revokedToken,
            bob.Token,
            Password);
        foreach (var client in c.Values) client.Dispose();
        return facts;
    }

    /// <summary>
    /// Everything a client can observe of the scenario's data on the node at <paramref name="node"/>, as one JSON
    /// object (tokens and other per-login values left out).
    /// </summary>
    public static async Task<JsonObject> ObserveAsync(Uri node, OldDataFacts facts)
    {
        var state = new JsonObject();
        var c = new Dictionary<string, ChatClient>();
        try
        {
            foreach (var (key, mobile) in facts.Mobiles)
            {
                c[key] = new ChatClient(node);
                await c[key].LogInAsync(mobile, facts.Passwords[key]);
                Assert.Equal(facts.Users[key], c[key].UserId);
            }
            var alice = c["alice"];
            var bob = c["bob"];
            using (var stranger = new ChatClient(node))
            {
                var oldLogin = await stranger.PostAsync("/user/login", ("mobile", facts.Mobiles["alice"]), ("passwd", facts.OldPassword));
                state["aliceOldPasswordRefused"] = oldLogin.GetProperty("code").GetInt32() == -1;
            }

            // Bob's seed-000 backlog: what his seed-000 sockets had not written before they closed. Read before any
            // other socket of his opens, since the first one gets it.
            await using (var bobSeed = await FrameInbox.OpenAsync(bob, "bob seed-000 backlog"))
                state["bobSeedBacklog"] = await DrainAsync(bobSeed);
            state["revokedTokenUpgrade"] = await UpgradeStatusAsync(node, facts.Users["alice"], facts.RevokedToken);
            state["liveTokenUpgrade"] = await UpgradeStatusAsync(node, facts.Users["bob"], facts.LiveToken);

            var users = new JsonObject();
            foreach (var (key, client) in c)
            {
                var user = new JsonObject
                {
                    ["profile"] = Node(await client.OkAsync("/user/find", ("id", client.UserId.Digits()))),
                    ["friends"] = Rows(await client.RowsAsync("/contact/loadfriend")),
                    ["requests"] = Rows(await client.RowsAsync("/contact/requests")),
                    ["blocked"] = Rows(await client.RowsAsync("/contact/blocked")),
                    ["rooms"] = Rows(await client.RowsAsync("/contact/loadcommunity")),
                };
                users[key] = user;
            }
            state["users"] = users;
            state["loungeMembers"] = Rows(await bob.RowsAsync("/contact/members", ("dstid", facts.Lounge.Digits())));
            state["atticMembers"] = Rows(await alice.RowsAsync("/contact/members", ("dstid", facts.Attic.Digits())));

            // Protocol v2: bob resumes from a cursor (inbox 2, lounge 1); alice replays everything, then reads her
            // conversation list and each conversation's history.
            await using (var bobV2 = await FrameInbox.OpenV2Async(bob, "bob v2 resume"))
            {
                await bobV2.SendAsync(new { type = "sync", inbox = 2, rooms = new Dictionary<string, long> { [facts.Lounge.Digits()] = 1 } });
                state["bobResume"] = await UntilSyncedAsync(bobV2);
            }
            await using (var aliceV2 = await FrameInbox.OpenV2Async(alice, "alice v2"))
            {
                await aliceV2.SendAsync(new { type = "sync", inbox = 0 });
                state["aliceReplay"] = await UntilSyncedAsync(aliceV2);
                await aliceV2.SendAsync(new { type = "conversations", limit = 100 });
                state["aliceConversations"] = Node(await UntilAsync(aliceV2, f => f.Text("type") == "conversations"));
                var histories = new JsonObject();
                foreach (var conv in new[] { $"u{facts.Users["bob"]}", $"u{facts.Users["carol"]}", $"r{facts.Lounge}", $"r{facts.Attic}" })
                {
                    await aliceV2.SendAsync(new { type = "history", conv, limit = 100 });
                    histories[conv] = Node(await UntilAsync(aliceV2, f => f.Text("type") == "history" && f.Text("conv") == conv));
                }
                state["aliceHistories"] = histories;
            }
            return state;
        }
        finally
        {
            foreach (var client in c.Values) client.Dispose();
        }
    }

    /// <summary>The HTTP status of a /chat upgrade with <paramref name="token"/>: 101 when accepted, 401 when refused.</summary>
    public static async Task<int> UpgradeStatusAsync(Uri node, long userId, string token)
    {
        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        var uri = ChatClient.SocketUri(node, userId, token);
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException)
        {
            return (int)socket.HttpStatusCode;
        }
        using var closing = new CancellationTokenSource(Wait);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", closing.Token);
        return (int)HttpStatusCode.SwitchingProtocols;
    }

    private static async Task<FrameInbox> SyncedV2Async(ChatClient client, string label)
    {
        var inbox = await FrameInbox.OpenV2Async(client, label);
        await inbox.SendAsync(new { type = "sync", inbox = 0 });
        await UntilAsync(inbox, f => f.Text("type") == "synced");
        return inbox;
    }

    private static async Task<JsonElement> SendV2Async(FrameInbox socket, string cid, int cmd, long to, string content)
    {
        await socket.SendAsync(new { type = "send", cid, cmd, dstid = to, media = 1, content });
        var ack = await UntilAsync(socket, f => f.Text("cid") == cid && f.Text("type") is "ack" or "error");
        Assert.True(ack.Text("type") == "ack", $"{socket.Label}: {cid} refused: {ack}");
        return ack;
    }

    /// <summary>Frames until one matches (bounded by count and time per frame); the others are skipped.</summary>
    private static async Task<JsonElement> UntilAsync(FrameInbox socket, Func<JsonElement, bool> match)
    {
        for (var i = 0; i < 1000; i++)
        {
            var frame = await socket.NextAsync(Wait);
            if (match(frame)) return frame;
        }
        throw new InvalidOperationException($"{socket.Label}: no matching frame within 1000 frames");
    }

    /// <summary>
    /// Every frame up to and including <c>synced</c> (presence comes after it and is left out), by stream: each stream
    /// is in order, but how streams interleave is not part of the protocol.
    /// </summary>
    private static async Task<JsonArray> UntilSyncedAsync(FrameInbox socket)
    {
        var frames = new List<JsonElement>();
        for (var i = 0; i < 1000; i++)
        {
            var frame = await socket.NextAsync(Wait);
            if (frame.Text("type") == "synced")
                return [.. frames.OrderBy(f => f.Text("stream"), StringComparer.Ordinal).Select(Node), Node(frame)];
            frames.Add(frame);
        }
        throw new InvalidOperationException($"{socket.Label}: no synced within 1000 frames");
    }

    /// <summary>Every frame until the socket has been quiet for <see cref="Quiet.Window"/>: the backlog is pushed at once.</summary>
    private static async Task<JsonArray> DrainAsync(FrameInbox socket)
    {
        var frames = new JsonArray();
        while (frames.Count < 1000)
        {
            try
            {
                frames.Add(Node(await socket.NextAsync(Quiet.Window)));
            }
            catch (TimeoutException)
            {
                return frames;
            }
        }
        throw new InvalidOperationException($"{socket.Label}: over 1000 backlog frames");
    }

    private static JsonNode Node(JsonElement element) => JsonNode.Parse(element.GetRawText())!;

    private static JsonArray Rows(JsonElement[] rows) => [.. rows.Select(Node)];

    private static string Digits(this long id) => id.ToString(CultureInfo.InvariantCulture);
}
