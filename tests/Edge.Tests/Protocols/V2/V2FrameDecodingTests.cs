namespace AkkaChat.Edge.Tests.Protocols.V2;

using System.Text;
using AkkaChat.Edge.Protocols;
using AkkaChat.Edge.Protocols.V2;

/// <summary>
/// The v2 frame decoder on its own: v2's own fields are type-checked like the seed-000 ones (never coerced), and a
/// refusal keeps the frame's <c>cid</c> (and <c>id</c>).
/// </summary>
public sealed class V2FrameDecodingTests
{
    private static (V2Frame? Frame, FrameError? Error) Decode(string json) => V2Frames.Decode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_send_frame_is_read_with_its_cid_and_message_fields()
    {
        var (frame, error) = Decode("{\"type\":\"send\",\"cid\":\"c-1\",\"cmd\":10,\"dstid\":3,\"media\":1,\"content\":\"hi\"}");
        Assert.Null(error);
        Assert.Equal(("send", "c-1", 10L, 3L, "hi"), (frame!.Type, frame.Cid, frame.Cmd, frame.DstId, frame.Payload.Content));
    }

    [Fact]
    public void A_sync_frame_is_read_with_its_cursors()
    {
        var (frame, error) = Decode("{\"type\":\"sync\",\"inbox\":4,\"rooms\":{\"12\":1}}");
        Assert.Null(error);
        Assert.Equal(4, frame!.Inbox);
        Assert.Equal(1, frame.Rooms![12]);
    }

    [Theory]
    [InlineData("{\"id\":7,\"type\":\"send\",\"cid\":5}", "cid must be a string, not a number")]
    [InlineData("{\"id\":7,\"type\":\"sync\",\"rooms\":{\"012\":1}}", "rooms keys must be room ids in plain digits, not \"012\"")]
    [InlineData("{\"id\":7,\"type\":\"sync\",\"rooms\":{\" 12\":1}}", "rooms keys must be room ids in plain digits, not \" 12\"")]
    [InlineData("{\"id\":7,\"type\":\"sync\",\"rooms\":{\"12\":\"1\"}}", "rooms[\"12\"] must be a number, not a string")]
    [InlineData("{\"id\":7,\"type\":\"flags\",\"pinned\":1}", "pinned must be true or false, not a number")]
    [InlineData("{\"id\":7,\"type\":\"send\",\"cmd\":10,\"dstid\":\"3\"}", "dstid must be a number, not a string")]
    public void A_wrongly_typed_field_is_refused_by_name_with_the_clients_reference(string json, string message)
    {
        var (frame, error) = Decode(json);
        Assert.Null(frame);
        Assert.Equal(message, error!.Message);
        Assert.Equal(7, error.ClientRef);
    }

    [Fact]
    public void A_v2_refusal_keeps_the_cid()
    {
        var (_, error) = Decode("{\"type\":\"send\",\"cmd\":\"10\",\"cid\":\"c-1\"}");
        Assert.Equal(("cmd must be a number, not a string", "c-1"), (error!.Message, error.Cid));
    }
}
