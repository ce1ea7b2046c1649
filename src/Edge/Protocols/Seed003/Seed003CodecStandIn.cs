// Stand-in for codec's API (SEED003.md) until its commit is merged; deleted by that merge.
namespace AkkaChat.Edge.Protocols.Seed003;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;

public static class Seed003Codes
{
    public const int Ok = 200, NotAuthenticated = 1, Refused = 2;
}

public static class Seed003Types
{
    public const string Sign = "sign", Heartbeat = "heartbeat", SendMessage = "sendmessage", Sync = "sync",
        ConversationList = "getconversationlist", MessageRead = "messageread", Message = "message", Error = "error";
}

public static class Seed003Frames
{
    public const int ReceiverUser = 1, ReceiverGroup = 2;

    public static bool TryParseInput(ReadOnlySpan<byte> bytes, out Input input, out string error)
    {
        try
        {
            input = Input.Parser.ParseFrom(bytes);
            error = "";
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            input = null!;
            error = e.Message;
            return false;
        }
    }

    public static byte[] Encode(string type, int code, string message = "", IMessage? data = null) =>
        new Output { Type = type, Code = code, Message = message, Data = data is null ? ByteString.Empty : data.ToByteString() }.ToByteArray();

    public static byte[] Ok(string type, IMessage? data = null) => Encode(type, Seed003Codes.Ok, "", data);

    public static byte[] Refusal(string type, int code, string reason) => Encode(type, code, reason);

    public static bool TryParse<T>(ByteString data, MessageParser<T> parser, out T message, out string error) where T : IMessage<T>
    {
        try
        {
            message = parser.ParseFrom(data);
            error = "";
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            message = default!;
            error = e.Message;
            return false;
        }
    }

    public static MessageItem DirectItem(UserId viewer, DirectMessage message, bool recalled, PublicProfile? sender) => new()
    {
        SenderType = 2, SenderId = message.SenderId.Value, ReceiverType = 1, ReceiverId = message.RecipientId.Value,
        MessageBody = Seed003Bodies.ToBody(message.Payload), SendTime = message.At.ToUnixTimeMilliseconds(), SenderName = sender?.Nickname ?? "",
        SenderAvatar = sender?.Avatar ?? "", ConversationId = (message.SenderId == viewer ? message.RecipientId : message.SenderId).Value, Id = message.Seq,
        Status = recalled ? 1 : 0, ConversationMessage = Seed003Bodies.Summary(message.Payload),
    };

    public static MessageItem RoomItem(RoomMessage message, bool recalled, PublicProfile? sender) => new()
    {
        SenderType = 2, SenderId = message.SenderId.Value, ReceiverType = 2, ReceiverId = message.RoomId.Value,
        MessageBody = Seed003Bodies.ToBody(message.Payload), SendTime = message.At.ToUnixTimeMilliseconds(), SenderName = sender?.Nickname ?? "",
        SenderAvatar = sender?.Avatar ?? "", ConversationId = message.RoomId.Value, Id = Seed003Ids.RoomMessage(message.RoomId, message.Seq),
        Status = recalled ? 1 : 0, ConversationMessage = Seed003Bodies.Summary(message.Payload),
    };
}

public static class Seed003Bodies
{
    public const string RecalledLabel = "[已撤回]";

    public static bool TryToPayload(MessageBody? body, out ChatPayload payload, out string error)
    {
        payload = null!;
        error = "bad body";
        if (body?.MessageContent?.Text is not { } text || body.MessageType != MessageType.MtText) return false;
        payload = new ChatPayload(1, text.Text_, "", "", "", 0);
        return true;
    }

    public static MessageBody ToBody(ChatPayload payload) =>
        new() { MessageType = MessageType.MtText, MessageContent = new MessageContent { Text = new Text { Text_ = payload.Content } } };

    public static string Summary(ChatPayload payload) => payload.Content;
}

public static class Seed003Ids
{
    public const int SeqBits = 30;

    public static long RoomMessage(RoomId room, long seq) => room.Value < (1L << 23) && seq < (1L << SeqBits) ? room.Value << SeqBits | seq : 0;

    public static bool IsRoomMessage(long id, out RoomId room, out long seq)
    {
        room = new RoomId(id >> SeqBits);
        seq = id & ((1L << SeqBits) - 1);
        return id >= 100L << SeqBits;
    }
}
