namespace AkkaChat.Edge.Tests.Transport;

using System.Net;
using System.Net.WebSockets;
using System.Text;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Auth;

/// <summary>
/// What /chat refuses and how: error frames that keep the socket open, close codes for frames it cannot take,
/// HTTP 401 before the upgrade for bad credentials, and per-connection rate limiting.
/// </summary>
public sealed class SocketRefusalTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private const int Direct = 10;
    private const int Room = 11;
    private const int MaxFrameBytes = 64 * 1024;

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task Each_refused_frame_gets_its_error_code_and_the_socket_keeps_working()
    {
        using var eve = await Host.NewUserAsync("eve");
        using var fay = await Host.NewUserAsync("fay");
        using var gus = await Host.NewUserAsync("gus");
        using var stranger = await Host.NewUserAsync("stranger");
        await eve.BefriendAsync(fay);
        await gus.BefriendAsync(fay);
        await using var eveSocket = await eve.OpenAsync("eve");
        await using var faySocket = await fay.OpenAsync("fay");
        await using var gusSocket = await gus.OpenAsync("gus");
        await using var strangerSocket = await stranger.OpenAsync("stranger");

        // Sent one by one: some are refused by the connection, others by the user entity, so replies could overtake each other.
        await Refused(eveSocket, "{\"cmd\":10,\"dstid\":", "bad-frame", null);
        await Refused(eveSocket, "not json at all", "bad-frame", null);
        await Refused(eveSocket, "[1,2,3]", "bad-frame", null);
        await Refused(eveSocket, "\"a string\"", "bad-frame", null);
        await Refused(eveSocket, new { id = 41, dstid = fay.UserId, cmd = 99, media = 1, content = "?" }, "unknown-cmd", 41);
        await Refused(eveSocket, new { id = 42, dstid = stranger.UserId, cmd = Direct, media = 1, content = "hello stranger" }, "not-friend", 42);
        await Refused(eveSocket, new { id = 43, dstid = 0, cmd = Direct, media = 1, content = "to nobody" }, "bad-frame", 43);
        await Refused(eveSocket, new { id = 44, dstid = -5, cmd = Room, media = 1, content = "to no room" }, "bad-frame", 44);
        await Refused(eveSocket, new { id = 45, dstid = 987_654_321_012L, cmd = Direct, media = 1, content = "to no one" }, "not-friend", 45);
        await Refused(eveSocket, new { dstid = 0, cmd = Direct, media = 1, content = "no id" }, "bad-frame", null);

        Assert.Equal(WebSocketState.Open, eveSocket.Socket.State);
        await eveSocket.SendAsync(new { id = 46, dstid = fay.UserId, cmd = Direct, media = 1, content = "still works" });
        await faySocket.NextChatAsync(Direct, eve.UserId, fay.UserId, "still works");
        await gusSocket.SendAsync(new { id = 1, dstid = fay.UserId, cmd = Direct, media = 1, content = "unaffected" });
        await faySocket.NextChatAsync(Direct, gus.UserId, fay.UserId, "unaffected");

        // The refused 1:1 never reached the stranger.
        await Task.WhenAll(strangerSocket.ExpectNothingAsync(Quiet.Window), eveSocket.ExpectNothingAsync(Quiet.Window), faySocket.ExpectNothingAsync(Quiet.Window));
    }

    [Fact]
    public async Task A_frame_without_cmd_is_a_bad_frame_that_names_the_client_id()
    {
        using var eve = await Host.NewUserAsync("eve");
        using var fay = await Host.NewUserAsync("fay");
        await eve.BefriendAsync(fay);
        await using var eveSocket = await eve.OpenAsync("eve");
        await using var faySocket = await fay.OpenAsync("fay");

        await Refused(eveSocket, new { id = 47, dstid = fay.UserId, media = 1, content = "what am I?" }, "bad-frame", 47);
        await faySocket.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task A_too_long_message_is_refused_alike_in_a_room_and_in_a_chat_and_a_member_is_not_told_not_member()
    {
        using var eve = await Host.NewUserAsync("eve");
        using var fay = await Host.NewUserAsync("fay");
        await eve.BefriendAsync(fay);
        var room = await eve.CreateRoomAsync("long talk");
        await fay.JoinRoomAsync(room);
        await using var eveSocket = await eve.OpenAsync("eve");
        await using var faySocket = await fay.OpenAsync("fay");
        var tooLong = new string('w', 33 * 1024); // over the 32 Ki-character text limit, well under the 64 KiB frame limit

        await eveSocket.SendAsync(new { id = 60, dstid = fay.UserId, cmd = Direct, media = 1, content = tooLong });
        var direct = await eveSocket.NextErrorAsync();
        await eveSocket.SendAsync(new { id = 61, dstid = room, cmd = Room, media = 1, content = tooLong });
        var inRoom = await eveSocket.NextErrorAsync();

        Assert.Equal(60, direct.Number("ref"));
        Assert.Equal(61, inRoom.Number("ref"));
        Assert.True(inRoom.Text("code") != "not-member", $"eve owns the room; a too-long message must not be reported as not-member: {inRoom}");
        Assert.True(direct.Text("code") == inRoom.Text("code"), $"the same refusal should have the same code: 1:1 {direct}, room {inRoom}");
        await faySocket.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task A_heartbeat_gets_no_reply()
    {
        using var hal = await Host.NewUserAsync("hal");
        await using var halSocket = await hal.OpenAsync("hal");

        await halSocket.SendAsync(new { cmd = 0 });
        await halSocket.SendAsync(new { id = 7, userid = hal.UserId, cmd = 0, dstid = 0 });
        await halSocket.SendTextAsync("{\"cmd\":0,\"amount\":null,\"content\":null}"); // null is absent
        // Frames from one socket are handled in order: if the heartbeats had answers they would come before this error.
        await halSocket.SendAsync(new { id = 8, cmd = 99, dstid = 1 });
        (await halSocket.NextErrorAsync()).AssertError("unknown-cmd", clientRef: 8);

        await halSocket.SendAsync(new { cmd = 0 });
        await halSocket.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task A_frame_over_64_KiB_closes_with_1009_and_one_at_the_limit_is_read()
    {
        using var ida = await Host.NewUserAsync("ida");
        await using var atLimit = await ida.OpenAsync("ida/at-limit");
        await using var tooBig = await ida.OpenAsync("ida/too-big");
        await using var fragmented = await ida.OpenAsync("ida/fragmented");

        await atLimit.SendTextAsync(FrameOfSize(MaxFrameBytes, clientId: 9));
        (await atLimit.NextErrorAsync()).AssertError("unknown-cmd", clientRef: 9);

        await tooBig.SendTextAsync(FrameOfSize(MaxFrameBytes + 1, clientId: 10));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await tooBig.ClosedAsync());

        // The same limit holds for a message split into continuation frames.
        var bytes = Encoding.UTF8.GetBytes(FrameOfSize(72 * 1024, clientId: 11));
        try
        {
            for (var offset = 0; offset < bytes.Length; offset += 8 * 1024)
            {
                var count = Math.Min(8 * 1024, bytes.Length - offset);
                await fragmented.Socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, offset + count == bytes.Length, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // The server may close before the last fragments are written; the close status is what matters.
        }
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await fragmented.ClosedAsync());

        // Other sockets of the same user are untouched.
        await atLimit.SendAsync(new { id = 12, cmd = 99, dstid = 1 });
        (await atLimit.NextErrorAsync()).AssertError("unknown-cmd", clientRef: 12);
    }

    [Fact]
    public async Task An_empty_frame_is_a_bad_frame_and_a_message_in_slow_fragments_arrives_whole()
    {
        // The read loop waits with a zero-byte read and rents a buffer only when a frame starts arriving: a frame with
        // no payload, an empty first fragment and fragments that trickle in must all still be read as whole messages.
        using var kim = await Host.NewUserAsync("kim");
        using var lou = await Host.NewUserAsync("lou");
        await kim.BefriendAsync(lou);
        await using var kimSocket = await kim.OpenAsync("kim");
        await using var louSocket = await lou.OpenAsync("lou");

        await kimSocket.SendTextAsync("");
        (await kimSocket.NextErrorAsync()).AssertError("bad-frame", clientRef: null);

        var content = new string('x', 10_000) + " end";
        var bytes = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { id = 13, dstid = lou.UserId, cmd = Direct, media = 1, content }));
        await kimSocket.Socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        for (var offset = 0; offset < bytes.Length; offset += 3000)
        {
            var count = Math.Min(3000, bytes.Length - offset);
            await kimSocket.Socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, offset + count == bytes.Length, CancellationToken.None);
            await Task.Delay(50);
        }
        await louSocket.NextChatAsync(Direct, kim.UserId, lou.UserId, content);
        Assert.Equal(WebSocketState.Open, kimSocket.Socket.State);
    }

    [Fact]
    public async Task A_binary_frame_closes_with_1003()
    {
        using var jon = await Host.NewUserAsync("jon");
        await using var binary = await jon.OpenAsync("jon/binary");
        await using var other = await jon.OpenAsync("jon/other");

        await binary.SendBinaryAsync(Encoding.UTF8.GetBytes("{\"cmd\":0}"));
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, await binary.ClosedAsync());

        await other.SendAsync(new { id = 1, cmd = 99, dstid = 1 });
        (await other.NextErrorAsync()).AssertError("unknown-cmd", clientRef: 1);
    }

    [Fact]
    public async Task Bad_missing_expired_or_borrowed_tokens_get_401_before_the_upgrade()
    {
        using var kim = await Host.NewUserAsync("kim");
        using var lee = await Host.NewUserAsync("lee");
        var tamperedSignature = kim.Token[..^2] + (kim.Token[^2] == 'A' ? "BB" : "AA");
        var key = TokenService.LoadOrCreateKey(null, Host.DataDir);
        var expired = new TokenService(key, TimeSpan.FromSeconds(-5)).Issue(new TokenService(key, TimeSpan.FromHours(1)).Validate(kim.Token)!).Token;

        var refused = new (string Case, string Query)[]
        {
            ("garbage token", $"id={kim.UserId}&token=garbage"),
            ("token of another user", $"id={kim.UserId}&token={Uri.EscapeDataString(lee.Token)}"),
            ("missing token", $"id={kim.UserId}"),
            ("empty token", $"id={kim.UserId}&token="),
            ("tampered signature", $"id={kim.UserId}&token={Uri.EscapeDataString(tamperedSignature)}"),
            ("expired token", $"id={kim.UserId}&token={Uri.EscapeDataString(expired)}"),
            ("missing id", $"token={Uri.EscapeDataString(kim.Token)}"),
            ("id not a number", $"id=kim&token={Uri.EscapeDataString(kim.Token)}"),
        };
        using var http = new HttpClient { BaseAddress = Host.BaseUri };
        foreach (var (name, query) in refused)
        {
            using var plain = await http.GetAsync("/chat?" + query);
            Assert.True(plain.StatusCode == HttpStatusCode.Unauthorized, $"{name}: expected 401 from a plain GET, got {(int)plain.StatusCode}");

            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(ChatUri(query), timeout.Token));
            Assert.True(socket.HttpStatusCode == HttpStatusCode.Unauthorized, $"{name}: expected 401 to the upgrade, got {(int)socket.HttpStatusCode}");
        }

        // The same user with their own token is let in.
        await using var kimSocket = await kim.OpenAsync("kim");
        Assert.Equal(WebSocketState.Open, kimSocket.Socket.State);
    }

    [Fact]
    public async Task A_flood_is_rate_limited_without_losing_accepted_messages_or_closing_the_socket()
    {
        const int Flood = 200;
        using var max = await Host.NewUserAsync("max");
        using var ned = await Host.NewUserAsync("ned");
        await max.BefriendAsync(ned);
        await using var maxSocket = await max.OpenAsync("max");
        await using var nedSocket = await ned.OpenAsync("ned");

        for (var i = 1; i <= Flood; i++)
        {
            await maxSocket.SendAsync(new { id = i, dstid = ned.UserId, cmd = Direct, media = 1, content = $"flood {i}" });
        }

        // Every frame is answered one way or the other: delivered to ned, or refused to max as rate-limited.
        var limited = new List<long>();
        var delivered = new List<long>();
        while (limited.Count + delivered.Count < Flood)
        {
            var (from, frame) = await FrameInbox.NextFromAnyAsync(TimeSpan.FromSeconds(10), maxSocket, nedSocket);
            if (from == maxSocket)
            {
                frame.AssertError("rate-limited", clientRef: frame.Number("ref"));
                limited.Add(frame.Number("ref") ?? 0);
            }
            else
            {
                Assert.StartsWith("flood ", frame.Text("content"));
                delivered.Add(long.Parse(frame.Text("content")!["flood ".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        Assert.NotEmpty(limited);
        Assert.NotEmpty(delivered);
        Assert.Equal(Enumerable.Range(1, Flood).Select(i => (long)i), limited.Concat(delivered).Order());
        Assert.Equal(delivered.Order(), delivered);
        Assert.Equal(WebSocketState.Open, maxSocket.Socket.State);

        // Once tokens refill, the same socket sends again. A refusal is answered at once, so the tries are spaced by a
        // token's interval (50/s): 50 tries back to back could all land before the first token is back.
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 50, "the socket never got to send again after the flood");
            if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(25));
            await maxSocket.SendAsync(new { id = 1000 + attempt, dstid = ned.UserId, cmd = Direct, media = 1, content = "after the flood" });
            var (from, frame) = await FrameInbox.NextFromAnyAsync(TimeSpan.FromSeconds(10), maxSocket, nedSocket);
            if (from == nedSocket)
            {
                frame.AssertChat(Direct, max.UserId, ned.UserId, "after the flood");
                break;
            }
            frame.AssertError("rate-limited", clientRef: 1000 + attempt);
        }
    }

    private static async Task Refused(FrameInbox socket, object frame, string code, long? clientRef)
    {
        if (frame is string text) await socket.SendTextAsync(text);
        else await socket.SendAsync(frame);
        var error = await socket.NextErrorAsync();
        error.AssertError(code, clientRef);
    }

    /// <summary>A JSON frame of exactly <paramref name="bytes"/> UTF-8 bytes with an unknown cmd (padding in a field the server ignores).</summary>
    private static string FrameOfSize(int bytes, long clientId)
    {
        var head = $"{{\"id\":{clientId},\"cmd\":99,\"dstid\":1,\"pad\":\"";
        const string tail = "\"}";
        return head + new string('x', bytes - head.Length - tail.Length) + tail;
    }

    private Uri ChatUri(string query) => new UriBuilder(Host.BaseUri) { Scheme = "ws", Path = "/chat", Query = query }.Uri;
}
