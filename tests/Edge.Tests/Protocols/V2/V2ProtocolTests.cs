namespace AkkaChat.Edge.Tests.Protocols.V2;

using System.Text.Json;

public sealed class V2ProtocolTests : IAsyncLifetime
{
    private ChatHost _host = null!;

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string NewMobile() => "139" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    private async Task<(ChatClient A, ChatClient B)> FriendsAsync()
    {
        var a = _host.NewClient();
        var b = _host.NewClient();
        await a.SignUpAsync(NewMobile(), "a");
        await b.SignUpAsync(NewMobile(), "b");
        var added = await a.PostAsync("/contact/addfriend", ("dstid", b.UserId.ToString()));
        Assert.Equal(0, added.GetProperty("code").GetInt32());
        return (a, b);
    }

    [Fact]
    public async Task Send_is_acked_with_stream_seq_and_a_resend_of_the_cid_stores_nothing_new()
    {
        var (a, b) = await FriendsAsync();
        await using var sa = await a.ConnectV2Async();
        await sa.SyncAsync(0);
        await sa.ReceiveUntilAsync("synced");

        await sa.SendDirectAsync("c1", b.UserId, "one");
        var (ack, echoed) = await sa.ReceiveUntilAsync("ack");
        Assert.Equal("c1", ack.GetProperty("cid").GetString());
        Assert.Equal($"u{a.UserId}", ack.GetProperty("stream").GetString());
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());

        await sa.SendDirectAsync("c1", b.UserId, "one");
        var (again, _) = await sa.ReceiveUntilAsync("ack");
        Assert.Equal(ack.GetProperty("seq").GetInt64(), again.GetProperty("seq").GetInt64());
        Assert.Equal(ack.GetProperty("mid").GetString(), again.GetProperty("mid").GetString());

        // The recipient's stream holds exactly one copy.
        await using var sb = await b.ConnectV2Async();
        await sb.SyncAsync(0);
        var (synced, messages) = await sb.ReceiveUntilAsync("synced");
        var msg = Assert.Single(messages);
        Assert.Equal("one", msg.GetProperty("content").GetString());
        Assert.Equal("c1", msg.GetProperty("cid").GetString());
        Assert.Equal(ack.GetProperty("mid").GetString(), msg.GetProperty("mid").GetString());
        Assert.Equal(1, synced.GetProperty("inbox").GetInt64());
    }

    [Fact]
    public async Task Resume_from_a_cursor_gets_exactly_the_later_messages_in_order_then_live()
    {
        var (a, b) = await FriendsAsync();
        await using (var sa = await a.ConnectV2Async())
        {
            await sa.SyncAsync(0);
            await sa.ReceiveUntilAsync("synced");
            for (var i = 1; i <= 30; i++)
            {
                await sa.SendDirectAsync($"m{i}", b.UserId, $"n{i}");
                await sa.ReceiveUntilAsync("ack");
            }
        }

        await using var sb = await b.ConnectV2Async();
        await sb.SyncAsync(12);
        var (synced, messages) = await sb.ReceiveUntilAsync("synced");
        Assert.Equal(Enumerable.Range(13, 18).Select(i => (long)i), messages.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal("n13", messages[0].GetProperty("content").GetString());
        Assert.Equal(30, synced.GetProperty("inbox").GetInt64());

        await using var sa2 = await a.ConnectV2Async();
        await sa2.SyncAsync(30);
        await sa2.ReceiveUntilAsync("synced");
        await sa2.SendDirectAsync("m31", b.UserId, "n31");
        var (live, before) = await sb.ReceiveUntilAsync("msg");
        Assert.Equal(31, live.GetProperty("seq").GetInt64());
        Assert.All(before, f => Assert.Equal("presence", f.Type())); // alice came online meanwhile
    }

    [Fact]
    public async Task Room_messages_resume_per_room_and_own_sends_appear_in_the_stream()
    {
        var (a, b) = await FriendsAsync();
        var room = (await a.PostAsync("/contact/createcommunity", ("name", "v2 room"))).GetProperty("data").GetProperty("id").GetInt64();
        Assert.Equal(0, (await b.PostAsync("/contact/joincommunity", ("dstid", room.ToString()))).GetProperty("code").GetInt32());

        await using var sa = await a.ConnectV2Async();
        await sa.SyncAsync(0, new Dictionary<long, long> { [room] = 0 });
        await sa.ReceiveUntilAsync("synced");
        for (var i = 1; i <= 5; i++) await sa.SendRoomAsync($"r{i}", room, $"g{i}");
        for (var i = 1; i <= 5; i++)
        {
            var (ack, _) = await sa.ReceiveUntilAsync("ack");
            Assert.Equal($"r{room}", ack.GetProperty("stream").GetString());
        }

        await using var sb = await b.ConnectV2Async();
        await sb.SyncAsync(0, new Dictionary<long, long> { [room] = 2 });
        var (synced, messages) = await sb.ReceiveUntilAsync("synced");
        Assert.Equal(["g3", "g4", "g5"], messages.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(5, synced.GetProperty("rooms").GetProperty(room.ToString()).GetInt64());
    }

    [Fact]
    public async Task Bad_sync_and_send_frames_get_error_frames_and_the_socket_stays_open()
    {
        var (a, b) = await FriendsAsync();
        await using var sa = await a.ConnectV2Async();

        await sa.SendJsonAsync(new { type = "sync", inbox = -1 });
        Assert.Equal("bad-cursor", (await sa.ReceiveJsonAsync()).GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "sync", inbox = 5 });
        Assert.Equal("cursor-ahead", (await sa.ReceiveJsonAsync()).GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "sync", inbox = 0, rooms = new Dictionary<string, long> { ["999999"] = 0 } });
        Assert.Equal("not-member", (await sa.ReceiveJsonAsync()).GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "dance" });
        Assert.Equal("unknown-type", (await sa.ReceiveJsonAsync()).GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "send", cmd = 10, dstid = b.UserId, content = "no cid" });
        Assert.Equal("bad-frame", (await sa.ReceiveJsonAsync()).GetProperty("code").GetString());
        await sa.SendDirectAsync("x1", 424242, "stranger");
        var refused = await sa.ReceiveJsonAsync();
        Assert.Equal("not-friend", refused.GetProperty("code").GetString());
        Assert.Equal("x1", refused.GetProperty("cid").GetString());

        await sa.SendJsonAsync(new { type = "flags", conv = "u424242", pinned = true });
        Assert.Equal("no-conversation", (await sa.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "flags", conv = $"u{b.UserId}" });
        Assert.Equal("bad-frame", (await sa.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "history", conv = "r999999" });
        Assert.Equal("not-member", (await sa.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "read", conv = "x1", seq = 1 });
        Assert.Equal("bad-frame", (await sa.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "recall", cid = "q", stream = $"u{b.UserId}", seq = 1 });
        Assert.Equal("bad-frame", (await sa.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await sa.SendJsonAsync(new { type = "history", conv = $"u{b.UserId}", before = 0 });
        Assert.Equal("bad-cursor", (await sa.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());

        await sa.SendJsonAsync(new { type = "ping" });
        Assert.Equal("pong", (await sa.ReceiveUntilAsync("pong")).Match.Type());
        await sa.SyncAsync(0);
        await sa.ReceiveUntilAsync("synced");
        await sa.SyncAsync(0);
        Assert.Equal("already-synced", (await sa.ReceiveJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Every_device_of_a_user_gets_incoming_messages_and_copies_of_its_own_sends()
    {
        var (a, b) = await FriendsAsync();
        await using var phone = await a.ConnectV2Async();
        await using var laptop = await a.ConnectV2Async();
        await using var sb = await b.ConnectV2Async();
        foreach (var s in new[] { phone, laptop, sb })
        {
            await s.SyncAsync(0);
            await s.ReceiveUntilAsync("synced");
        }

        await phone.SendDirectAsync("p1", b.UserId, "from phone");
        var (ack, beforeAck) = await phone.ReceiveUntilAsync("ack");
        var (own, _) = await phone.ReceiveUntilAsync("msg");
        Assert.Equal(ack.GetProperty("seq").GetInt64(), own.GetProperty("seq").GetInt64());
        var (copy, _) = await laptop.ReceiveUntilAsync("msg");
        Assert.Equal("from phone", copy.GetProperty("content").GetString());
        Assert.Equal(a.UserId, copy.GetProperty("userid").GetInt64());
        Assert.Equal("from phone", (await sb.ReceiveUntilAsync("msg")).Match.GetProperty("content").GetString());

        await sb.SendDirectAsync("b1", a.UserId, "to both");
        Assert.Equal("to both", (await phone.ReceiveUntilAsync("msg")).Match.GetProperty("content").GetString());
        Assert.Equal("to both", (await laptop.ReceiveUntilAsync("msg")).Match.GetProperty("content").GetString());
        Assert.All(beforeAck, f => Assert.Equal("presence", f.Type()));
    }
}
