namespace AkkaChat.Edge.Tests.Protocols;

using System.Net.WebSockets;
using AkkaChat.Edge.Protocols;
using AkkaChat.Edge.Tests.Protocols.Seed000;

/// <summary>
/// Over real sockets, on both protocols: a wrongly typed field gets <c>bad-frame</c> naming the field, with the frame's
/// <c>ref</c> (seed-000) or <c>cid</c> (v2); any cmd other than 0, 10, 11 is <c>unknown-cmd</c>; a custom field nested up
/// to the limit goes through and one nested deeper is refused; the socket stays usable after each.
/// </summary>
public sealed class TypedFrameTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task Seed_frames_with_wrongly_typed_fields_are_refused_with_their_ref_and_never_delivered()
    {
        using var ann = await Host.NewUserAsync("ann");
        using var bob = await Host.NewUserAsync("bob");
        await ann.BefriendAsync(bob);
        await using var annSocket = await ann.OpenAsync("ann");
        await using var bobSocket = await bob.OpenAsync("bob");
        var to = bob.UserId;

        await Refused(annSocket, $"{{\"id\":21,\"cmd\":\"10\",\"dstid\":{to},\"media\":1,\"content\":\"x\"}}", "bad-frame", "cmd must be a number, not a string", 21);
        await Refused(annSocket, $"{{\"id\":22,\"cmd\":10,\"dstid\":\"{to}\",\"media\":1,\"content\":\"x\"}}", "bad-frame", "dstid must be a number, not a string", 22);
        await Refused(annSocket, $"{{\"id\":23,\"cmd\":10,\"dstid\":\" {to}\",\"media\":1,\"content\":\"x\"}}", "bad-frame", "dstid must be a number, not a string", 23);
        await Refused(annSocket, $"{{\"cmd\":10,\"dstid\":{to},\"media\":1,\"content\":12345,\"id\":24}}", "bad-frame", "content must be a string, not a number", 24);
        await Refused(annSocket, $"{{\"id\":25,\"cmd\":10,\"dstid\":{to},\"media\":1.5,\"content\":\"x\"}}", "bad-frame", "media must be a whole number of at most 64 bits", 25);
        await Refused(annSocket, $"{{\"id\":26,\"cmd\":-5,\"dstid\":{to}}}", "unknown-cmd", "unknown cmd -5", 26);
        await Refused(annSocket, $"{{\"id\":27,\"cmd\":99999999999,\"dstid\":{to}}}", "unknown-cmd", "unknown cmd 99999999999", 27);
        await Refused(annSocket, $"{{\"id\":28,\"cmd\":10,\"dstid\":{to},\"content\":\"x\"}} trailing", "bad-frame", "malformed JSON", 28, exact: false);
        await Refused(annSocket, $"{{\"id\":\"29\",\"cmd\":10,\"dstid\":{to}}}", "bad-frame", "id must be a number, not a string", null);

        await annSocket.SendAsync(new { id = 30, dstid = to, cmd = 10, media = 1, content = "still works" });
        await bobSocket.NextChatAsync(10, ann.UserId, to, "still works");
        await Task.WhenAll(annSocket.ExpectNothingAsync(Quiet.Window), bobSocket.ExpectNothingAsync(Quiet.Window));
    }

    [Fact]
    public async Task A_nested_custom_field_passes_up_to_the_limit_and_deeper_is_a_bad_frame_with_its_ref()
    {
        using var cat = await Host.NewUserAsync("cat");
        using var dan = await Host.NewUserAsync("dan");
        await cat.BefriendAsync(dan);
        await using var catSocket = await cat.OpenAsync("cat");
        await using var danSocket = await dan.OpenAsync("dan");

        await catSocket.SendTextAsync(Seed000FrameDecodingTests.FrameWithNesting(JsonFrames.MaxDepth).Replace("\"dstid\":3", $"\"dstid\":{dan.UserId}"));
        await danSocket.NextChatAsync(10, cat.UserId, dan.UserId, "deep");

        await catSocket.SendTextAsync(Seed000FrameDecodingTests.FrameWithNesting(JsonFrames.MaxDepth + 1).Replace("\"dstid\":3", $"\"dstid\":{dan.UserId}"));
        (await catSocket.NextErrorAsync()).AssertError("bad-frame", clientRef: 9);
        await danSocket.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task V2_frames_with_wrongly_typed_fields_are_refused_with_their_cid()
    {
        using var eve = await Host.NewUserAsync("eve");
        using var fay = await Host.NewUserAsync("fay");
        await eve.BefriendAsync(fay);
        await using var socket = await FrameInbox.OpenV2Async(eve, "eve/v2");

        await socket.SendTextAsync($"{{\"type\":\"send\",\"cid\":\"c-1\",\"cmd\":\"10\",\"dstid\":{fay.UserId},\"content\":\"x\"}}");
        AssertV2Error(await socket.NextAsync(), "bad-frame", "cmd must be a number, not a string", "c-1");
        await socket.SendTextAsync($"{{\"type\":\"send\",\"cid\":\"c-2\",\"cmd\":10,\"dstid\":{fay.UserId},\"content\":7}}");
        AssertV2Error(await socket.NextAsync(), "bad-frame", "content must be a string, not a number", "c-2");
        await socket.SendTextAsync("{\"type\":\"sync\",\"inbox\":\"0\"}");
        AssertV2Error(await socket.NextAsync(), "bad-frame", "inbox must be a number, not a string", null);
        await socket.SendTextAsync("{\"type\":\"sync\",\"rooms\":{\"007\":0}}");
        AssertV2Error(await socket.NextAsync(), "bad-frame", "rooms keys must be room ids in plain digits, not \"007\"", null);

        await socket.SendTextAsync("{\"type\":\"ping\"}");
        Assert.Equal("pong", (await socket.NextAsync()).Text("type"));
        Assert.Equal(WebSocketState.Open, socket.Socket.State);
    }

    private static void AssertV2Error(System.Text.Json.JsonElement frame, string code, string msg, string? cid)
    {
        Assert.True(frame.Text("type") == "error" && frame.Text("code") == code && frame.Text("msg") == msg && frame.Text("cid") == cid,
            $"expected error {code} \"{msg}\" cid {cid ?? "(absent)"}, got {frame}");
    }

    private static async Task Refused(FrameInbox socket, string text, string code, string msg, long? clientRef, bool exact = true)
    {
        await socket.SendTextAsync(text);
        var error = await socket.NextErrorAsync();
        error.AssertError(code, clientRef);
        var actual = error.Text("msg") ?? "";
        Assert.True(exact ? actual == msg : actual.StartsWith(msg, StringComparison.Ordinal), $"expected msg \"{msg}\" for {text}, got {error}");
    }
}
