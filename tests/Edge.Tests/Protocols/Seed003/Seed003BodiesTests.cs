namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using AkkaChat.Core.Chat;
using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;

/// <summary>
/// Seed-003 bodies as stored payloads: every type round-trips exactly (field for field and byte for byte), <c>/chat</c>
/// sees text as media 1 and the rest as the nearest seed-000 media, and <c>/chat</c> payloads map back by media.
/// </summary>
public sealed class Seed003BodiesTests
{
    /// <summary>One body of each type, every field set (non-ASCII text, negative and extreme numbers, raw bytes).</summary>
    public static Dictionary<MessageType, MessageBody> Bodies() => new()
    {
        [MessageType.MtText] = Body(MessageType.MtText, new MessageContent { Text = new Text { Text_ = "你好, world 👋" } }),
        [MessageType.MtFace] = Body(MessageType.MtFace, new MessageContent { Face = new Face { FaceId = long.MaxValue, FaceUrl = "/mnt/face.gif" } }),
        [MessageType.MtVoice] = Body(MessageType.MtVoice, new MessageContent { Voice = new Voice { Id = "v1", Size = 2048, Duration = 7, Url = "/mnt/v.mp3" } }),
        [MessageType.MtImage] = Body(MessageType.MtImage, new MessageContent { Image = new Image { Id = "i1", Width = 640, Height = -1, Url = "/mnt/i.png", ThumbnailUrl = "/mnt/i.thumb.png" } }),
        [MessageType.MtFile] = Body(MessageType.MtFile, new MessageContent { File = new File { Id = 9, Name = "报告.pdf", Size = 1L << 40, Url = "/mnt/f.pdf" } }),
        [MessageType.MtLocation] = Body(MessageType.MtLocation, new MessageContent { Location = new Location { Desc = "天安门", Latitude = 39.9087, Longitude = -116.3975 } }),
        [MessageType.MtCommand] = Body(MessageType.MtCommand, new MessageContent { Command = new Command { Code = -3, Data = ByteString.CopyFrom(0, 255, 10, 13) } }),
        [MessageType.MtCustom] = Body(MessageType.MtCustom, new MessageContent { Custom = new Custom { Data = "{\"kind\":\"card\"}" } }),
        [MessageType.MtVideo] = Body(MessageType.MtVideo, new MessageContent { Video = new Video { Id = "m1", Size = int.MaxValue, Duration = 60, Url = "/mnt/m.mp4" } }),
    };

    public static TheoryData<MessageType> Types() => [.. Enum.GetValues<MessageType>().Where(t => t != MessageType.MtUnknown)];

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_type_comes_back_exactly_as_sent(MessageType type)
    {
        var body = Bodies()[type];
        Assert.True(Seed003Bodies.TryToPayload(body, out var payload, out var error), error);
        var back = Seed003Bodies.ToBody(payload);
        Assert.Equal(body, back);
        Assert.Equal(body.ToByteArray(), back.ToByteArray());
        // Also after the payload went through a store: a record with equal fields.
        Assert.Equal(body, Seed003Bodies.ToBody(payload with { }));
    }

    [Fact]
    public void Text_is_stored_as_media_1_with_the_text_as_content_and_nothing_else()
    {
        Assert.True(Seed003Bodies.TryToPayload(Bodies()[MessageType.MtText], out var payload, out _));
        Assert.Equal(new ChatPayload(1, "你好, world 👋", "", "", "", 0), payload);
        Assert.Equal("你好, world 👋", Seed003Bodies.Summary(payload));
    }

    [Theory]
    [InlineData(MessageType.MtFace, 6, "[表情]", "/mnt/face.gif", "")]
    [InlineData(MessageType.MtVoice, 3, "[录音]", "/mnt/v.mp3", "")]
    [InlineData(MessageType.MtImage, 4, "[图像]", "/mnt/i.png", "/mnt/i.thumb.png")]
    [InlineData(MessageType.MtFile, 100, "[文件]", "/mnt/f.pdf", "")]
    [InlineData(MessageType.MtLocation, 100, "[地址]", "", "")]
    [InlineData(MessageType.MtCommand, 100, "[指令推送]", "", "")]
    [InlineData(MessageType.MtCustom, 100, "[自定义]", "", "")]
    [InlineData(MessageType.MtVideo, 8, "[视频]", "/mnt/m.mp4", "")]
    public void Other_types_show_on_chat_as_the_nearest_media_with_a_label_url_and_pic(MessageType type, int media, string label, string url, string pic)
    {
        Assert.True(Seed003Bodies.TryToPayload(Bodies()[type], out var payload, out _));
        Assert.Equal((media, label, url, pic, 0L), (payload.Media, payload.Content, payload.Url, payload.Pic, payload.Amount));
        Assert.StartsWith("pb1:", payload.Memo);
        Assert.Equal(label, Seed003Bodies.Summary(payload));
    }

    [Fact]
    public void A_missing_body_or_content_or_type_is_refused()
    {
        Assert.False(Seed003Bodies.TryToPayload((MessageBody?)null, out _, out var error));
        Assert.Equal("bad body: message_body is missing", error);
        Assert.False(Seed003Bodies.TryToPayload(new MessageBody { MessageType = MessageType.MtText }, out _, out error));
        Assert.Equal("bad body: message_content is missing", error);
        Assert.False(Seed003Bodies.TryToPayload(new MessageBody { MessageType = MessageType.MtText, MessageContent = new MessageContent() }, out _, out error));
        Assert.Equal("bad body: message_content is missing", error);
        Assert.False(Seed003Bodies.TryToPayload(new MessageBody { MessageContent = Bodies()[MessageType.MtText].MessageContent }, out _, out error));
        Assert.Equal("bad body: unknown message_type 0", error);
        Assert.False(Seed003Bodies.TryToPayload(Body((MessageType)42, Bodies()[MessageType.MtText].MessageContent), out _, out error));
        Assert.Equal("bad body: unknown message_type 42", error);
        Assert.False(Seed003Bodies.TryToPayload(new SendMessage { ReceiverType = 1, ReceiverId = 2 }, out _, out error));
        Assert.Equal("bad body: message_body is missing", error);
    }

    [Fact]
    public void Every_type_with_any_other_content_is_refused()
    {
        var bodies = Bodies();
        foreach (var type in bodies.Keys)
        {
            foreach (var other in bodies.Keys.Where(k => k != type))
            {
                var mismatched = Body(type, bodies[other].MessageContent);
                Assert.False(Seed003Bodies.TryToPayload(mismatched, out var payload, out var error), $"{type} with {other}'s content");
                Assert.Null(payload);
                Assert.Equal($"bad body: message_type {(int)type} does not match the content ({(int)other})", error);
            }
        }
    }

    [Fact]
    public void Text_up_to_the_stored_limit_passes_and_one_more_is_refused()
    {
        Assert.True(Seed003Bodies.TryToPayload(Seed003Client.TextBody(new string('x', ChatPayload.MaxTextLength)), out _, out _));
        Assert.False(Seed003Bodies.TryToPayload(Seed003Client.TextBody(new string('x', ChatPayload.MaxTextLength + 1)), out _, out var error));
        Assert.StartsWith("bad body: the message is too large", error);
    }

    [Fact]
    public void A_body_too_large_once_stored_is_refused()
    {
        // The memo holds the body in base64 (4/3 of its bytes), and the url is shown on /chat as well.
        var image = Body(MessageType.MtImage, new MessageContent { Image = new Image { Url = new string('u', 14_500) } });
        Assert.False(Seed003Bodies.TryToPayload(image, out _, out var error));
        Assert.StartsWith("bad body: the message is too large", error);
        var custom = Body(MessageType.MtCustom, new MessageContent { Custom = new Custom { Data = new string('c', 24_000) } });
        Assert.True(Seed003Bodies.TryToPayload(custom, out var payload, out _));
        Assert.InRange(payload.TextLength, 32_000, ChatPayload.MaxTextLength);
        var tooMuch = Body(MessageType.MtCustom, new MessageContent { Custom = new Custom { Data = new string('c', 24_600) } });
        Assert.False(Seed003Bodies.TryToPayload(tooMuch, out _, out _));
    }

    [Fact]
    public void Mentions_and_help_round_trip_and_text_with_them_stays_media_1()
    {
        var send = new SendMessage { MessageBody = Seed003Client.TextBody("hi"), ToUserIds = { 10001, 1L << 52 }, Help = 1 };
        Assert.True(Seed003Bodies.TryToPayload(send, out var payload, out _));
        Assert.Equal((1, "hi"), (payload.Media, payload.Content));
        Assert.StartsWith("pb2:", payload.Memo);
        var item = new MessageItem();
        Seed003Bodies.Fill(item, payload);
        Assert.Equal((send.MessageBody, 1, "hi"), (item.MessageBody, item.Help, item.ConversationMessage));
        Assert.Equal(send.ToUserIds, item.ToUserIds);

        var voice = new SendMessage { MessageBody = Bodies()[MessageType.MtVoice], ToUserIds = { 7 } };
        Assert.True(Seed003Bodies.TryToPayload(voice, out payload, out _));
        Assert.Equal((3, "[录音]", "/mnt/v.mp3"), (payload.Media, payload.Content, payload.Url));
        Assert.Equal(voice.MessageBody, Seed003Bodies.ToBody(payload));
    }

    [Fact]
    public void A_SendMessage_without_mentions_or_help_is_stored_as_its_body_alone()
    {
        var body = Bodies()[MessageType.MtFace];
        Assert.True(Seed003Bodies.TryToPayload(new SendMessage { MessageBody = body, ReceiverId = 5 }, out var fromSend, out _));
        Assert.True(Seed003Bodies.TryToPayload(body, out var fromBody, out _));
        Assert.Equal(fromBody, fromSend);
    }

    public static TheoryData<ChatPayload, MessageBody, string> ChatPayloads() => new()
    {
        { new ChatPayload(1, "hello", "", "", "", 0), Seed003Client.TextBody("hello"), "hello" },
        { new ChatPayload(1, "with extras", "/p.png", "/u", "note", 3), Seed003Client.TextBody("with extras"), "with extras" },
        { new ChatPayload(3, "", "", "/mnt/a.mp3", "", 0), Body(MessageType.MtVoice, new MessageContent { Voice = new Voice { Url = "/mnt/a.mp3" } }), "[录音]" },
        { new ChatPayload(4, "", "/mnt/p.png", "", "", 0), Body(MessageType.MtImage, new MessageContent { Image = new Image { Url = "/mnt/p.png", ThumbnailUrl = "/mnt/p.png" } }), "[图像]" },
        { new ChatPayload(4, "", "/mnt/t.png", "/mnt/big.png", "", 0), Body(MessageType.MtImage, new MessageContent { Image = new Image { Url = "/mnt/big.png", ThumbnailUrl = "/mnt/t.png" } }), "[图像]" },
        { new ChatPayload(6, "", "", "/mnt/e.gif", "", 0), Body(MessageType.MtFace, new MessageContent { Face = new Face { FaceUrl = "/mnt/e.gif" } }), "[表情]" },
        { new ChatPayload(6, "", "/mnt/e2.gif", "", "", 0), Body(MessageType.MtFace, new MessageContent { Face = new Face { FaceUrl = "/mnt/e2.gif" } }), "[表情]" },
        { new ChatPayload(8, "", "", "/mnt/v.mp4", "", 0), Body(MessageType.MtVideo, new MessageContent { Video = new Video { Url = "/mnt/v.mp4" } }), "[视频]" },
        { new ChatPayload(5, "红包", "", "", "恭喜", 88), Body(MessageType.MtCustom, new MessageContent { Custom = new Custom { Data = "{\"media\":5,\"content\":\"\\u7EA2\\u5305\",\"memo\":\"\\u606D\\u559C\",\"amount\":88}" } }), "[自定义]" },
        { new ChatPayload(7, "a link", "", "https://x", "", 0), Body(MessageType.MtCustom, new MessageContent { Custom = new Custom { Data = "{\"media\":7,\"content\":\"a link\",\"url\":\"https://x\"}" } }), "[自定义]" },
        { new ChatPayload(-4, "", "", "", "", 0), Body(MessageType.MtCustom, new MessageContent { Custom = new Custom { Data = "{\"media\":-4}" } }), "[自定义]" },
        // Memos that look like ours but hold no valid body are /chat's own: mapped by media, the memo passed along.
        { new ChatPayload(1, "hi", "", "", "pb1:!!not base64", 0), Seed003Client.TextBody("hi"), "hi" },
        { new ChatPayload(1, "hi", "", "", "pb1:" + Convert.ToBase64String([0x08, 0x01]), 0), Seed003Client.TextBody("hi"), "hi" }, // a text type with no content
        { new ChatPayload(1, "hi", "", "", "pb1:" + Convert.ToBase64String(Body(MessageType.MtImage, new MessageContent { Text = new Text() }).ToByteArray()), 0), Seed003Client.TextBody("hi"), "hi" },
        { new ChatPayload(1, "hi", "", "", "pb2:" + Convert.ToBase64String([0x32, 0x05, 0xFF]), 0), Seed003Client.TextBody("hi"), "hi" },
        { new ChatPayload(1, "hi", "", "", "pb2:", 0), Seed003Client.TextBody("hi"), "hi" }, // an envelope with no body
    };

    [Theory]
    [MemberData(nameof(ChatPayloads))]
    public void Chat_payloads_map_to_a_body_by_media(ChatPayload payload, MessageBody expected, string summary)
    {
        Assert.Equal(expected, Seed003Bodies.ToBody(payload));
        Assert.Equal(summary, Seed003Bodies.Summary(payload));
        var item = new MessageItem();
        Seed003Bodies.Fill(item, payload);
        Assert.Equal((expected, summary, 0), (item.MessageBody, item.ConversationMessage, item.Help));
        Assert.Empty(item.ToUserIds);
    }

    [Fact]
    public void A_chat_client_that_sends_a_valid_pb1_memo_gets_that_body_to_seed_003()
    {
        var face = Bodies()[MessageType.MtFace];
        var payload = new ChatPayload(1, "anything", "", "", "pb1:" + Convert.ToBase64String(face.ToByteArray()), 0);
        Assert.Equal(face, Seed003Bodies.ToBody(payload));
        Assert.Equal("[表情]", Seed003Bodies.Summary(payload));
    }

    [Fact]
    public void Every_body_that_maps_back_from_chat_is_itself_accepted()
    {
        // What /ws shows of a /chat message can be sent again on /ws (e.g. forwarded) and is valid.
        foreach (var row in ChatPayloads())
        {
            var body = Seed003Bodies.ToBody((ChatPayload)row[0]);
            Assert.True(Seed003Bodies.TryToPayload(body, out _, out var error), error);
        }
    }

    [Fact]
    public void Fields_not_in_the_proto_are_dropped_from_a_parsed_body()
    {
        var body = Bodies()[MessageType.MtFile];
        var send = new SendMessage { MessageBody = body }.ToByteArray().Concat(new byte[] { 0xF8, 0x01, 0x05 }).ToArray(); // field 31 = 5
        var bodyWithExtra = new byte[] { 0x3A, (byte)(body.CalculateSize() + 2) }.Concat(body.ToByteArray()).Concat(new byte[] { 0x78, 0x01 }).ToArray(); // field 7 with field 15 inside
        foreach (var bytes in new[] { send, bodyWithExtra })
        {
            Assert.True(Seed003Frames.TryParse(ByteString.CopyFrom(bytes), SendMessage.Parser, out var parsed, out _));
            Assert.True(Seed003Bodies.TryToPayload(parsed, out var payload, out _));
            Assert.Equal(body.ToByteArray(), Seed003Bodies.ToBody(payload).ToByteArray());
        }
    }

    private static MessageBody Body(MessageType type, MessageContent content) => new() { MessageType = type, MessageContent = content };
}
