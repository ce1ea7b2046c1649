namespace AkkaChat.Edge.Tests.Protocols;

using System.Text;
using AkkaChat.Edge.Protocols;

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

    private static string Text(byte[] frame) => Encoding.UTF8.GetString(frame);
}
