namespace AkkaChat.Edge.Tests.Protocols.V2;

using System.Text.Json;

public sealed class ConversationTests : IAsyncLifetime
{
    private ChatHost _host = null!;

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string NewMobile() => "136" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    private async Task<(ChatClient A, ChatClient B)> FriendsAsync()
    {
        var a = _host.NewClient();
        var b = _host.NewClient();
        await SignUpAsync(a, "alice");
        await SignUpAsync(b, "bob");
        Assert.Equal(0, (await a.PostAsync("/contact/addfriend", ("dstid", b.UserId.ToString()))).GetProperty("code").GetInt32());
        return (a, b);
    }

    [Fact]
    public async Task Unread_counts_fall_when_read_on_one_device_and_every_device_and_the_sender_hear_of_it()
    {
        var (a, b) = await FriendsAsync();
        await using var sa = await a.ConnectSyncedV2Async();
        await using var phone = await b.ConnectSyncedV2Async();
        await using var laptop = await b.ConnectSyncedV2Async();
        for (var i = 1; i <= 3; i++)
        {
            await sa.SendDirectAsync($"c{i}", b.UserId, $"hi {i}");
            await sa.ReceiveUntilAsync("ack");
        }
        for (var i = 0; i < 3; i++)
        {
            await phone.ReceiveUntilAsync("msg");
            await laptop.ReceiveUntilAsync("msg");
        }

        await phone.SendJsonAsync(new { type = "conversations" });
        var (list, _) = await phone.ReceiveUntilAsync("conversations");
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("conv").GetString() == $"u{a.UserId}");
        Assert.Equal(3, item.GetProperty("unread").GetInt64());
        Assert.Equal("alice", item.GetProperty("name").GetString());
        Assert.Equal("hi 3", item.GetProperty("last").GetProperty("content").GetString());

        await phone.SendJsonAsync(new { type = "read", conv = $"u{a.UserId}", seq = 2 });
        var (onPhone, _) = await phone.ReceiveUntilAsync("read");
        var (onLaptop, _) = await laptop.ReceiveUntilAsync("read");
        Assert.Equal(1, onPhone.GetProperty("unread").GetInt64());
        Assert.Equal(1, onLaptop.GetProperty("unread").GetInt64());
        var (receipt, _) = await sa.ReceiveUntilAsync("receipt");
        Assert.Equal(b.UserId, receipt.GetProperty("userid").GetInt64());

        await phone.SendJsonAsync(new { type = "read", conv = $"u{a.UserId}", seq = 99 });
        Assert.Equal("no-such-message", (await phone.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await phone.SendJsonAsync(new { type = "read", conv = $"u{a.UserId}", seq = -1 });
        Assert.Equal("bad-cursor", (await phone.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Pinned_conversations_come_first_and_pin_and_mute_survive_a_restart()
    {
        var (a, b) = await FriendsAsync();
        var c = _host.NewClient();
        await c.SignUpAsync(NewMobile(), "carol");
        Assert.Equal(0, (await a.PostAsync("/contact/addfriend", ("dstid", c.UserId.ToString()))).GetProperty("code").GetInt32());
        var room = (await a.PostAsync("/contact/createcommunity", ("name", "club"))).GetProperty("data").GetProperty("id").GetInt64();

        await using (var sa = await a.ConnectSyncedV2Async())
        {
            await sa.SendDirectAsync("x1", b.UserId, "to bob");
            await sa.ReceiveUntilAsync("ack");
            await sa.SendRoomAsync("x2", room, "to club");
            await sa.ReceiveUntilAsync("ack");
            await sa.SendJsonAsync(new { type = "flags", conv = $"u{c.UserId}", pinned = true, muted = true });
            var (flags, _) = await sa.ReceiveUntilAsync("flags");
            Assert.True(flags.GetProperty("pinned").GetBoolean());
        }

        await _host.RestartAsync();
        var a2 = _host.NewClient();
        await a2.LogInAsync(_mobiles[a.UserId]);
        await using var again = await a2.ConnectSyncedV2Async();
        await again.SendJsonAsync(new { type = "conversations", offset = 0, limit = 10 });
        var (list, _) = await again.ReceiveUntilAsync("conversations");
        var convs = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("conv").GetString()).ToList();
        Assert.Equal([$"u{c.UserId}", $"r{room}", $"u{b.UserId}"], convs);
        Assert.Equal(3, list.GetProperty("total").GetInt32());
        var pinned = list.GetProperty("items")[0];
        Assert.True(pinned.GetProperty("pinned").GetBoolean());
        Assert.True(pinned.GetProperty("muted").GetBoolean());

        await again.SendJsonAsync(new { type = "conversations", offset = 1, limit = 1 });
        var (page, _) = await again.ReceiveUntilAsync("conversations");
        Assert.Equal($"r{room}", Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("conv").GetString());
        await again.SendJsonAsync(new { type = "read", conv = $"r{room}", seq = 2 });
        Assert.Equal("no-such-message", (await again.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await again.SendJsonAsync(new { type = "read", conv = $"r{room}", seq = 1 });
        var (roomRead, _) = await again.ReceiveUntilAsync("read");
        Assert.Equal($"r{room}", roomRead.GetProperty("conv").GetString());
        await again.SendJsonAsync(new { type = "conversations", limit = 1000 });
        Assert.Equal("bad-limit", (await again.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
    }

    private readonly Dictionary<long, string> _mobiles = [];

    private async Task SignUpAsync(ChatClient client, string nickname)
    {
        var mobile = NewMobile();
        await client.SignUpAsync(mobile, nickname);
        _mobiles[client.UserId] = mobile;
    }

    [Fact]
    public async Task History_pages_backwards_through_a_conversation_and_shows_recalls()
    {
        var (a, b) = await FriendsAsync();
        var c = _host.NewClient();
        await c.SignUpAsync(NewMobile(), "carol");
        Assert.Equal(0, (await b.PostAsync("/contact/addfriend", ("dstid", c.UserId.ToString()))).GetProperty("code").GetInt32());
        await using var sa = await a.ConnectSyncedV2Async();
        await using var sc = await c.ConnectSyncedV2Async();
        await using var sb = await b.ConnectSyncedV2Async();
        long lastSeq = 0;
        for (var i = 1; i <= 120; i++)
        {
            var from = i % 3 == 0 ? sc : sa;
            await from.SendDirectAsync($"h{i}", b.UserId, $"m{i}");
            var (ack, _) = await from.ReceiveUntilAsync("ack");
            if (from == sa) lastSeq = ack.GetProperty("seq").GetInt64();
        }

        await sa.SendJsonAsync(new { type = "recall", cid = "r1", stream = $"u{a.UserId}", seq = lastSeq });
        var (recalled, _) = await sb.ReceiveUntilAsync("recalled", maxFrames: 500);
        Assert.Equal($"u{b.UserId}", recalled.GetProperty("stream").GetString());

        await sb.SendJsonAsync(new { type = "history", conv = $"u{a.UserId}", limit = 50 });
        var (first, _) = await sb.ReceiveUntilAsync("history", maxFrames: 500);
        var messages = first.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(50, messages.Count);
        Assert.True(first.GetProperty("more").GetBoolean());
        Assert.All(messages, m => Assert.Equal(a.UserId, m.GetProperty("userid").GetInt64()));
        var seqs = messages.Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.True(messages[^1].GetProperty("recalled").GetBoolean());
        Assert.False(messages[^1].TryGetProperty("content", out _));

        var before = first.GetProperty("before").GetInt64();
        Assert.Equal(seqs[0], before);
        await sb.SendJsonAsync(new { type = "history", conv = $"u{a.UserId}", before, limit = 100 });
        var (second, _) = await sb.ReceiveUntilAsync("history");
        var older = second.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(30, older.Count); // 80 from alice in all
        Assert.False(second.GetProperty("more").GetBoolean());
        Assert.True(older[^1].GetProperty("seq").GetInt64() < seqs[0]);

        await sb.SendJsonAsync(new { type = "history", conv = $"u{a.UserId}", limit = 0 });
        Assert.Equal("bad-limit", (await sb.ReceiveUntilAsync("error")).Match.GetProperty("code").GetString());
        await sb.SendJsonAsync(new { type = "recall", cid = "r2", stream = $"u{b.UserId}", seq = 1 });
        var (notYours, _) = await sb.ReceiveUntilAsync("error");
        Assert.Equal("not-yours", notYours.GetProperty("code").GetString());
        Assert.Equal("r2", notYours.GetProperty("cid").GetString());
    }
}
