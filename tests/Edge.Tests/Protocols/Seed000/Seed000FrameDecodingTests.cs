namespace AkkaChat.Edge.Tests.Protocols.Seed000;

using System.Text;
using AkkaChat.Edge.Protocols;
using AkkaChat.Edge.Protocols.Seed000;

/// <summary>
/// The seed-000 frame decoder on its own: what the seed client sends is read, wrongly typed fields are refused by name
/// (never coerced), the client's reference survives a refusal, and nesting is limited to <see cref="JsonFrames.MaxDepth"/>.
/// </summary>
public sealed class Seed000FrameDecodingTests
{
    private static (Seed000Frame? Frame, FrameError? Error) Decode(string json) => Seed000Frames.Decode(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("{\"id\":1,\"userid\":2,\"dstid\":3,\"cmd\":10,\"media\":1,\"content\":\"hello\"}")]
    [InlineData("{\"id\":1,\"userid\":2,\"dstid\":3,\"cmd\":10,\"media\":3,\"url\":\"http://www.a,com/dsturl.mp3\",\"amount\":40}")]
    [InlineData("{\"id\":1,\"userid\":2,\"dstid\":3,\"cmd\":10,\"media\":5,\"url\":\"http://x/y?id=100000\",\"amount\":300,\"memo\":\"恭喜发财\"}")]
    [InlineData("{\"dstid\":3,\"cmd\":11,\"userid\":2,\"media\":4,\"url\":\"/mnt/a.png\"}")] // the seed client's msg context has no id
    [InlineData("{\"dstid\":3,\"cmd\":10,\"userid\":null,\"media\":1,\"content\":\"NaN ids become null in JSON.stringify\",\"amount\":null}")]
    public void What_the_seed_client_sends_is_read(string json)
    {
        var (frame, error) = Decode(json);
        Assert.Null(error);
        Assert.Equal(3, frame!.DstId);
    }

    [Theory]
    [InlineData("{\"id\":7,\"cmd\":\"10\",\"dstid\":3}", "cmd must be a number, not a string")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":\"3\"}", "dstid must be a number, not a string")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":\" 3\"}", "dstid must be a number, not a string")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":3.0}", "dstid must be a whole number of at most 64 bits")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":1e2}", "dstid must be a whole number of at most 64 bits")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":99999999999999999999}", "dstid must be a whole number of at most 64 bits")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":3,\"content\":12}", "content must be a string, not a number")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":3,\"content\":[\"a\"]}", "content must be a string, not an array")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":3,\"media\":4294967296}", "media must be a whole number of at most 32 bits")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":3,\"amount\":\"300\"}", "amount must be a number, not a string")]
    [InlineData("{\"content\":true,\"cmd\":10,\"id\":7}", "content must be a string, not a boolean")]
    public void A_wrongly_typed_field_is_refused_by_name_with_the_clients_reference(string json, string message)
    {
        var (frame, error) = Decode(json);
        Assert.Null(frame);
        Assert.Equal(message, error!.Message);
        Assert.Equal(7, error.ClientRef);
    }

    [Theory]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":3,\"type\":5,\"cid\":5}")]
    [InlineData("{\"id\":7,\"cmd\":10,\"dstid\":3,\"rooms\":{\"012\":\"x\"},\"pinned\":1,\"inbox\":\"0\"}")]
    public void Fields_of_other_protocols_are_ignored_like_any_unknown_field(string json)
    {
        var (frame, error) = Decode(json);
        Assert.Null(error);
        Assert.Equal((7, 10, 3), (frame!.ClientRef, frame.Cmd, frame.DstId));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"cmd\":10,\"dstid\":")]
    [InlineData("{\"cmd\":0} {\"cmd\":0}")]
    [InlineData("{\"cmd\":0}}")]
    public void Something_that_is_not_one_JSON_object_is_refused(string json)
    {
        var (frame, error) = Decode(json);
        Assert.Null(frame);
        Assert.False(string.IsNullOrWhiteSpace(error!.Message));
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_refused_not_thrown()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":7,\"cmd\":10,\"content\":\"ab\"}");
        bytes[Array.IndexOf(bytes, (byte)'a')] = 0xFF;
        var (frame, error) = Seed000Frames.Decode(bytes);
        Assert.Null(frame);
        Assert.Equal(7, error!.ClientRef);
    }

    [Fact]
    public void A_custom_field_may_nest_up_to_the_limit_and_one_level_more_is_refused()
    {
        var (atLimit, noError) = Decode(FrameWithNesting(JsonFrames.MaxDepth));
        Assert.Null(noError);
        Assert.Equal(10, atLimit!.Cmd);

        var (tooDeep, error) = Decode(FrameWithNesting(JsonFrames.MaxDepth + 1));
        Assert.Null(tooDeep);
        Assert.Equal($"malformed JSON: frames may nest at most {JsonFrames.MaxDepth} levels deep", error!.Message);
        Assert.Equal(9, error.ClientRef);
    }

    /// <summary>A valid chat frame whose total nesting (the frame object counts as level 1) is <paramref name="levels"/>.</summary>
    public static string FrameWithNesting(int levels)
    {
        var inner = levels - 1;
        return "{\"id\":9,\"cmd\":10,\"dstid\":3,\"media\":100,\"content\":\"deep\",\"custom\":"
            + string.Concat(Enumerable.Repeat("{\"x\":", inner - 1)) + "{}" + new string('}', inner - 1) + "}";
    }

    [Fact]
    public void Field_names_are_read_the_same_whether_escaped_kept_or_past_the_kept_names()
    {
        // Escaped names, and names long enough or numerous enough to be read past JsonFrames' table of kept names.
        var (frame, error) = Decode("{\"\\u0069d\":7,\"c\\u006dd\":10,\"dstid\":3,\"content\":\"x\"}");
        Assert.Null(error);
        Assert.Equal((7, 10, 3), (frame!.ClientRef, frame.Cmd, frame.DstId));
        for (var round = 0; round < 3; round++)
        {
            var unknown = string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"f{round}-{i}-{new string('n', i % 40)}\":{i}"));
            (frame, error) = Decode($"{{{unknown},\"id\":8,\"cmd\":10,\"dstid\":4,\"名字\":1}}");
            Assert.Null(error);
            Assert.Equal((8, 10, 4), (frame!.ClientRef, frame.Cmd, frame.DstId));
        }
    }

    [Fact]
    public void A_field_name_that_is_not_valid_utf8_is_refused()
    {
        var (frame, error) = Seed000Frames.Decode([.. "{\"id\":7,\""u8, 0xC3, 0x28, .. "\":1}"u8]);
        Assert.Null(frame);
        Assert.Equal("malformed JSON: a name or string is not valid UTF-8", error!.Message);
    }
}
