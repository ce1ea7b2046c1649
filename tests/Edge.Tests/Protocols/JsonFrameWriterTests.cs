namespace AkkaChat.Edge.Tests.Protocols;

using System.Text;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Protocols;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Protocols.V2;
using AkkaChat.Edge.Transport;

/// <summary>
/// <see cref="JsonFrames.Write"/> reuses one buffer and writer per thread: each frame must still be exactly its own
/// object, whatever was written before it on the thread (longer, nested, failed, or too large to keep).
/// </summary>
public sealed class JsonFrameWriterTests
{
    [Fact]
    public void Each_frame_holds_only_its_own_fields_after_longer_nested_failed_and_oversized_ones()
    {
        Assert.Equal("""{"type":"long","text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", Text(JsonFrames.Write(w =>
        {
            w.WriteString("type", "long");
            w.WriteString("text", new string('a', 40));
        })));
        Assert.Equal("""{"a":1}""", Text(JsonFrames.Write(w => w.WriteNumber("a", 1))));

        var nested = JsonFrames.Write(w => w.WriteString("inner", Text(JsonFrames.Write(inner => inner.WriteNumber("n", 2)))));
        Assert.Equal("""{"inner":"{\u0022n\u0022:2}"}""", Text(nested));

        Assert.Throws<InvalidOperationException>(() => JsonFrames.Write(_ => throw new InvalidOperationException("fields failed")));
        Assert.Equal("""{"b":2}""", Text(JsonFrames.Write(w => w.WriteNumber("b", 2))));

        var large = new string('x', 40_000);
        Assert.Equal(large.Length + """{"big":""}""".Length, JsonFrames.Write(w => w.WriteString("big", large)).Length);
        Assert.Equal("""{"c":3}""", Text(JsonFrames.Write(w => w.WriteNumber("c", 3))));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(4_611_686_018_427_387_904L)]
    [InlineData(long.MaxValue)]
    public void An_id_is_written_as_its_decimal_string(long id) =>
        Assert.Equal($"{{\"mid\":\"{id}\"}}", Text(JsonFrames.Write(w => JsonFrames.WriteId(w, "mid", id))));

    [Fact]
    public void The_frames_of_one_socket_are_pooled_with_exactly_the_bytes_of_their_arrays_and_shared_frames_are_not()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var direct = new DirectMessage(7, new UserId(10_001), new UserId(10_002), new ChatPayload(1, "hi " + new string('x', 300), "", "", "", 0), at, 42, "c-1");
        var room = new RoomMessage(new RoomId(100), 8, new UserId(10_001), new ChatPayload(1, "hello", "", "", "", 0), at, 43, "c-2");

        var push = AssertPooled(V2Frames.EncodeDirectPooled("u10002", direct));
        Assert.Equal(Text(V2Frames.EncodeDirect("u10002", direct)), push);
        var ack = AssertPooled(V2Frames.EncodeAck("c-1", "u10001", 7, 42, at));
        Assert.Equal($$"""{"type":"ack","cid":"c-1","stream":"u10001","seq":7,"mid":"42","createat":{{at.ToUnixTimeMilliseconds()}}}""", ack);
        var seed000 = AssertPooled(Seed000Frames.EncodeDirect(direct));
        Assert.StartsWith("""{"id":7,"userid":10001,"cmd":10,"dstid":10002,"media":1,"content":"hi xxx""", seed000);

        var roomFrame = new RoomFrame(room, origin: null);
        Assert.Null(((OutboundFrame)roomFrame.V2).Rented); // one frame for every subscribed socket of the node
        Assert.Null(((OutboundFrame)roomFrame.Seed000).Rented);
        Assert.Null(((OutboundFrame)V2Frames.Pong).Rented);
    }

    /// <summary>The frame lies at the start of its rented array, exactly as long as it is; returns its text.</summary>
    private static string AssertPooled(OutboundFrame frame)
    {
        Assert.NotNull(frame.Rented);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Bytes, out var segment));
        Assert.Same(frame.Rented, segment.Array);
        Assert.Equal(0, segment.Offset);
        return Encoding.UTF8.GetString(frame.Bytes.Span);
    }

    private static string Text(byte[] frame) => Encoding.UTF8.GetString(frame);
}
