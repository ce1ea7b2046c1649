namespace AkkaChat.Edge.Tests.Protocols.Seed000;

using System.Net.WebSockets;

/// <summary>1:1 messages (cmd 10) over real /chat sockets: payload pass-through, sender identity, devices, offline inbox.</summary>
public sealed class DirectMessageTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private const int Direct = 10;

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task Every_media_kind_passes_through_with_the_authenticated_sender_and_no_echo()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await using var aliceSocket = await alice.OpenAsync("alice");
        await using var bobSocket = await bob.OpenAsync("bob");

        // What the seed client sends per media kind; the claimed userid is forged (bob himself, or someone else).
        var sent = new[]
        {
            new Sent(1, 1, "hello, 你好 \"quoted\" 👋", "", "", "", 0, Forged: bob.UserId),
            new Sent(2, 3, "", "", "/attach/voice-7s.mp3", "", 7, Forged: 424242),
            new Sent(3, 4, "", "/attach/thumb.png", "/attach/photo.png", "", 0, Forged: bob.UserId),
            new Sent(4, 6, "", "", "/asset/emoji/ee_3.png", "", 0, Forged: 1),
            new Sent(5, 100, "{\"kind\":\"poll\",\"options\":[1,2]}", "", "", "custom memo", 12, Forged: 999_999_999),
        };
        var before = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        foreach (var s in sent)
        {
            await aliceSocket.SendAsync(new { id = s.Id, userid = s.Forged, dstid = bob.UserId, cmd = Direct, media = s.Media, content = s.Content, pic = s.Pic, url = s.Url, memo = s.Memo, amount = s.Amount });
        }

        var received = await bobSocket.NextAsync(sent.Length);
        var after = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();
        long lastId = 0;
        for (var i = 0; i < sent.Length; i++)
        {
            var (s, got) = (sent[i], received[i]);
            got.AssertChat(Direct, alice.UserId, bob.UserId, Present(s.Content));
            Assert.Equal(s.Media, got.Number("media"));
            Assert.Equal(Present(s.Pic), got.Text("pic"));
            Assert.Equal(Present(s.Url), got.Text("url"));
            Assert.Equal(Present(s.Memo), got.Text("memo"));
            Assert.Equal(s.Amount == 0 ? null : s.Amount, got.Number("amount"));
            Assert.InRange(got.Number("createat") ?? 0, before, after);
            Assert.True(got.Number("id") > lastId, $"server ids must increase: {got}");
            lastId = got.Number("id")!.Value;
        }

        await Task.WhenAll(aliceSocket.ExpectNothingAsync(Quiet.Window), bobSocket.ExpectNothingAsync(Quiet.Window));
    }

    [Fact]
    public async Task Both_sockets_of_a_user_receive_and_a_message_sent_from_one_is_copied_to_the_other_only()
    {
        using var xena = await Host.NewUserAsync("xena");
        using var yuri = await Host.NewUserAsync("yuri");
        await xena.BefriendAsync(yuri);
        await using var xenaPhone = await xena.OpenAsync("xena/phone");
        await using var yuriSocket = await yuri.OpenAsync("yuri");
        await using var xenaLaptop = await xena.OpenAsync("xena/laptop");

        // The second socket did not kick the first: both get what yuri sends.
        await yuriSocket.SendAsync(new { id = 1, dstid = xena.UserId, cmd = Direct, media = 1, content = "to both devices" });
        var onPhone = await xenaPhone.NextAsync();
        var onLaptop = await xenaLaptop.NextAsync();
        onPhone.AssertChat(Direct, yuri.UserId, xena.UserId, "to both devices");
        onLaptop.AssertChat(Direct, yuri.UserId, xena.UserId, "to both devices");
        Assert.Equal(onPhone.Number("id"), onLaptop.Number("id"));
        Assert.Equal(WebSocketState.Open, xenaPhone.Socket.State);

        await xenaPhone.SendAsync(new { id = 2, userid = yuri.UserId, dstid = yuri.UserId, cmd = Direct, media = 1, content = "from the phone" });
        await yuriSocket.NextChatAsync(Direct, xena.UserId, yuri.UserId, "from the phone");
        await xenaLaptop.NextChatAsync(Direct, xena.UserId, yuri.UserId, "from the phone");

        await xenaLaptop.SendAsync(new { id = 3, dstid = yuri.UserId, cmd = Direct, media = 1, content = "from the laptop" });
        await yuriSocket.NextChatAsync(Direct, xena.UserId, yuri.UserId, "from the laptop");
        // The phone's next frame is the laptop's copy: its own "from the phone" never came back to it.
        await xenaPhone.NextChatAsync(Direct, xena.UserId, yuri.UserId, "from the laptop");

        await Task.WhenAll(xenaPhone.ExpectNothingAsync(Quiet.Window), xenaLaptop.ExpectNothingAsync(Quiet.Window), yuriSocket.ExpectNothingAsync(Quiet.Window));
    }

    [Fact]
    public async Task Messages_sent_while_the_recipient_was_offline_arrive_in_order_on_connect_then_live_ones()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await using var aliceSocket = await alice.OpenAsync("alice");
        // Alice's second socket gets her copy of each message once it is stored in both inboxes.
        await using var aliceWitness = await alice.OpenAsync("alice/witness");

        await using (var bobFirst = await bob.OpenAsync("bob/first"))
        {
            await aliceSocket.SendAsync(new { id = 1, dstid = bob.UserId, cmd = Direct, media = 1, content = "seen live" });
            await bobFirst.NextChatAsync(Direct, alice.UserId, bob.UserId, "seen live");
            await aliceWitness.NextChatAsync(Direct, alice.UserId, bob.UserId, "seen live");
        }

        for (var i = 1; i <= 5; i++)
        {
            await aliceSocket.SendAsync(new { id = 10 + i, dstid = bob.UserId, cmd = Direct, media = 1, content = $"offline {i}" });
        }
        foreach (var copy in await aliceWitness.NextAsync(5)) Assert.StartsWith("offline", copy.Text("content"));

        await using var bobAgain = await bob.OpenAsync("bob/again");
        var backlog = await bobAgain.NextAsync(5);
        long lastId = 0;
        for (var i = 0; i < 5; i++)
        {
            backlog[i].AssertChat(Direct, alice.UserId, bob.UserId, $"offline {i + 1}");
            Assert.True(backlog[i].Number("id") > lastId, $"ids must increase: {backlog[i]}");
            lastId = backlog[i].Number("id")!.Value;
        }

        await aliceSocket.SendAsync(new { id = 20, dstid = bob.UserId, cmd = Direct, media = 1, content = "live again" });
        var live = await bobAgain.NextAsync();
        live.AssertChat(Direct, alice.UserId, bob.UserId, "live again");
        Assert.True(live.Number("id") > lastId, $"ids must increase: {live}");
        await bobAgain.ExpectNothingAsync(Quiet.Window);
        await bobAgain.DisposeAsync();

        // The backlog, once pushed, is not pushed again on the next connect.
        await using var bobThird = await bob.OpenAsync("bob/third");
        await aliceSocket.SendAsync(new { id = 21, dstid = bob.UserId, cmd = Direct, media = 1, content = "next" });
        await bobThird.NextChatAsync(Direct, alice.UserId, bob.UserId, "next");
    }

    [Fact]
    public async Task A_user_who_never_connected_gets_their_inbox_on_first_connect()
    {
        using var alice = await Host.NewUserAsync("alice");
        using var carol = await Host.NewUserAsync("carol");
        await alice.BefriendAsync(carol);
        await using var aliceSocket = await alice.OpenAsync("alice");
        await using var aliceWitness = await alice.OpenAsync("alice/witness");

        await aliceSocket.SendAsync(new { id = 1, dstid = carol.UserId, cmd = Direct, media = 1, content = "first" });
        await aliceSocket.SendAsync(new { id = 2, dstid = carol.UserId, cmd = Direct, media = 4, url = "/attach/p.png" });
        await aliceWitness.NextAsync(2);

        await using var carolSocket = await carol.OpenAsync("carol");
        var backlog = await carolSocket.NextAsync(2);
        backlog[0].AssertChat(Direct, alice.UserId, carol.UserId, "first");
        Assert.Equal("/attach/p.png", backlog[1].Text("url"));
        Assert.Equal(4, backlog[1].Number("media"));
        Assert.True(backlog[1].Number("id") > backlog[0].Number("id"));
    }

    private static string? Present(string value) => value.Length == 0 ? null : value;

    private sealed record Sent(int Id, int Media, string Content, string Pic, string Url, string Memo, long Amount, long Forged);
}
