namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;

/// <summary>Seed-003 envelopes and the items built from stored messages.</summary>
public sealed class Seed003FramesTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_795_612_397_113);
    private static readonly PublicProfile Alice = new(new UserId(10000), "alice", "/mnt/a.png", "", "", At);

    public static TheoryData<string, int, string, bool> Outputs() => new()
    {
        { "sendmessage", 200, "", true },
        { "sync", 200, "", false },
        { "sign", 1, "sign first", false },
        { "error", 2, "the frame is not an Input: 表情", false },
        { "", 0, "", false },
        { "x", -1, "negative", true },
        { new string('t', 300), int.MaxValue, new string('m', 20_000), true },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Encode_writes_the_same_bytes_as_the_generated_Output(string type, int code, string message, bool withData)
    {
        var data = withData ? new SyncResp { Messages = { new MessageItem { Id = 7, ConversationMessage = "hi" } } } : null;
        var expected = new Output { Type = type, Code = code, Message = message, Data = data?.ToByteString() ?? ByteString.Empty }.ToByteArray();
        Assert.Equal(expected, Seed003Frames.Encode(type, code, message, data));
    }

    [Fact]
    public void An_empty_reply_message_leaves_data_out()
    {
        var frame = Output.Parser.ParseFrom(Seed003Frames.Ok(Seed003Types.Sync, new SyncResp()));
        Assert.Equal((Seed003Types.Sync, 200, 0), (frame.Type, frame.Code, frame.Data.Length));
    }

    [Fact]
    public void Ok_and_Refusal_are_Outputs_with_their_codes()
    {
        var ok = Output.Parser.ParseFrom(Seed003Frames.Ok(Seed003Types.Heartbeat));
        Assert.Equal((Seed003Types.Heartbeat, Seed003Codes.Ok, ""), (ok.Type, ok.Code, ok.Message));
        var refusal = Output.Parser.ParseFrom(Seed003Frames.Refusal(Seed003Types.Sync, Seed003Codes.Refused, "limit must not be negative"));
        Assert.Equal((Seed003Types.Sync, Seed003Codes.Refused, "limit must not be negative"), (refusal.Type, refusal.Code, refusal.Message));
    }

    [Fact]
    public void An_Input_parses_and_fields_not_in_the_proto_are_dropped()
    {
        var input = new Input { Type = "sign", Data = ByteString.CopyFrom(1, 2, 3), Auth = { new Auth { AppId = 1, DeviceId = 2, UserId = 3, Token = "t" } } };
        var bytes = input.ToByteArray().Concat(new byte[] { 0x50, 0x2A }).ToArray(); // field 10, varint 42
        Assert.True(Seed003Frames.TryParseInput(bytes, out var parsed, out var error), error);
        Assert.Equal(input, parsed);
        Assert.Equal(input.ToByteArray(), parsed.ToByteArray());
    }

    [Fact]
    public void No_bytes_are_an_empty_Input()
    {
        Assert.True(Seed003Frames.TryParseInput([], out var input, out _));
        Assert.Equal("", input.Type);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x05, (byte)'s' })] // a string cut short
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // a tag varint over 10 bytes
    [InlineData(new byte[] { 0x00 })] // field 0
    [InlineData(new byte[] { 0x0B })] // a group start never closed
    [InlineData(new byte[] { 0x1A, 0x03, 0x08, 0x96 })] // auth[0] cut inside a varint
    [InlineData(new byte[] { 0x0A, 0x02, 0xC3, 0x28 })] // type is not UTF-8
    public void Bytes_that_are_not_an_Input_are_refused_with_a_reason(byte[] bytes)
    {
        Assert.False(Seed003Frames.TryParseInput(bytes, out _, out var error));
        Assert.StartsWith("the frame is not an Input", error);
    }

    [Fact]
    public void Garbage_never_throws()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (Seed003Frames.TryParseInput(bytes, out var input, out _))
            {
                _ = Seed003Frames.TryParse(input.Data, SendMessage.Parser, out var send, out var error) && Seed003Bodies.TryToPayload(send, out _, out error);
                _ = Seed003Frames.TryParse(input.Data, SyncReq.Parser, out var sync, out error);
            }
        }
    }

    [Fact]
    public void A_request_that_is_not_its_message_is_refused()
    {
        Assert.False(Seed003Frames.TryParse(ByteString.CopyFrom(0x08), SyncReq.Parser, out var none, out var error)); // a varint with no value
        Assert.StartsWith("malformed data", error);
        Assert.Null(none);
        Assert.True(Seed003Frames.TryParse(new SyncReq { Limit = 5, ConversationId = 9, ReceiverType = 1 }.ToByteString(), SyncReq.Parser, out var sync, out var error2), error2);
        Assert.Equal((5L, 9L, 1), (sync.Limit, sync.ConversationId, sync.ReceiverType));
    }

    [Fact]
    public void A_1_to_1_item_is_numbered_in_the_viewers_inbox_and_belongs_to_the_other_party()
    {
        var message = new DirectMessage(42, new UserId(10000), new UserId(10001), new ChatPayload(1, "hi", "", "", "", 0), At, 777);
        var recipientCopy = Seed003Frames.DirectItem(new UserId(10001), message, recalled: false, Alice);
        Assert.Equal(new MessageItem
        {
            SenderType = 2, SenderId = 10000, ReceiverType = 1, ReceiverId = 10001, MessageBody = Seed003Client.TextBody("hi"),
            SendTime = At.ToUnixTimeMilliseconds(), Status = 0, SenderName = "alice", SenderAvatar = "/mnt/a.png",
            ConversationId = 10000, Id = 42, ConversationMessage = "hi",
        }, recipientCopy);
        var senderCopy = Seed003Frames.DirectItem(new UserId(10000), message with { Seq = 9 }, recalled: false, null);
        Assert.Equal((10001L, 9L, ""), (senderCopy.ConversationId, senderCopy.Id, senderCopy.SenderName));
    }

    [Fact]
    public void A_room_item_is_numbered_in_the_room_and_belongs_to_the_room()
    {
        var message = new RoomMessage(new RoomId(123), 5, new UserId(10000), new ChatPayload(1, "all", "", "", "", 0), At);
        var item = Seed003Frames.RoomItem(message, recalled: false, Alice);
        Assert.Equal((2, 123L, 123L), (item.ReceiverType, item.ReceiverId, item.ConversationId));
        Assert.Equal(Seed003Ids.RoomMessage(new RoomId(123), 5), item.Id);
        Assert.Equal(("all", "alice"), (item.ConversationMessage, item.SenderName));
    }

    [Fact]
    public void A_room_message_that_cannot_be_numbered_gets_id_0()
    {
        var message = new RoomMessage(new RoomId(1L << 23), 5, new UserId(10000), new ChatPayload(1, "all", "", "", "", 0), At);
        Assert.Equal(0, Seed003Frames.RoomItem(message, recalled: false, null).Id);
    }

    [Fact]
    public void A_recalled_item_has_no_body_status_1_and_the_recalled_label()
    {
        Assert.True(Seed003Bodies.TryToPayload(Seed003BodiesTests.Bodies()[MessageType.MtImage], out var payload, out _));
        var direct = Seed003Frames.DirectItem(new UserId(10001), new DirectMessage(3, new UserId(10000), new UserId(10001), payload, At), recalled: true, Alice);
        var room = Seed003Frames.RoomItem(new RoomMessage(new RoomId(100), 3, new UserId(10000), payload, At), recalled: true, Alice);
        foreach (var item in new[] { direct, room })
        {
            Assert.Null(item.MessageBody);
            Assert.Equal(Seed003Frames.StatusRecalled, item.Status);
            Assert.Equal("[已撤回]", item.ConversationMessage);
            Assert.Equal("alice", item.SenderName); // who and when stay: the client shows a recalled slot
        }
        Assert.Equal(3, direct.Id);
    }

    [Fact]
    public void Mentions_and_help_come_back_on_the_item()
    {
        var send = new SendMessage { ReceiverType = 2, ReceiverId = 100, MessageBody = Seed003Client.TextBody("@bob hi"), ToUserIds = { 10001, 10002 }, Help = 2 };
        Assert.True(Seed003Bodies.TryToPayload(send, out var payload, out var error), error);
        var item = Seed003Frames.RoomItem(new RoomMessage(new RoomId(100), 1, new UserId(10000), payload, At), recalled: false, null);
        Assert.Equal(new long[] { 10001, 10002 }, item.ToUserIds);
        Assert.Equal(2, item.Help);
        Assert.Equal(send.MessageBody, item.MessageBody);
        Assert.Equal("@bob hi", item.ConversationMessage);
    }

    [Fact]
    public void A_text_from_chat_with_a_lone_surrogate_still_encodes()
    {
        // A JSON client can send "\ud800"; the item must still encode (protobuf writes it as U+FFFD).
        var message = new DirectMessage(1, new UserId(10000), new UserId(10001), new ChatPayload(1, "a\ud800b", "", "", "", 0), At);
        var frame = Seed003Frames.Ok(Seed003Types.Message, Seed003Frames.DirectItem(new UserId(10001), message, recalled: false, null));
        var item = MessageItem.Parser.ParseFrom(Output.Parser.ParseFrom(frame).Data);
        Assert.StartsWith("a", item.ConversationMessage);
    }
}
