namespace AkkaChat.Edge.Protocols.Seed003;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;

/// <summary>The seed-003 <c>Output.code</c> values (docs/PROTOCOL.md §4).</summary>
public static class Seed003Codes
{
    public const int Ok = 200, NotAuthenticated = 1, Refused = 2;
}

/// <summary>The seed-003 <c>Input.type</c> / <c>Output.type</c> strings.</summary>
public static class Seed003Types
{
    public const string Sign = "sign", Heartbeat = "heartbeat", SendMessage = "sendmessage", Sync = "sync",
        ConversationList = "getconversationlist", MessageRead = "messageread", Message = "message", Error = "error";
}

/// <summary>
/// Seed-003 frames (docs/PROTOCOL.md §4): one <see cref="Input"/> per inbound frame, one <see cref="Output"/> per
/// outbound one, whatever carries them (a <c>/ws</c> binary message or a TCP length-prefixed frame).
/// </summary>
public static class Seed003Frames
{
    /// <summary>The sender_type of every item: golang_im's 2, a user.</summary>
    public const int UserSender = 2;

    public const int StatusNormal = 0, StatusRecalled = 1;

    public const int ReceiverUser = 1, ReceiverGroup = 2;

    // Fields not in client_message.proto are dropped: what is kept and echoed is what the .proto names.
    private static readonly MessageParser<Input> InputParser = Input.Parser.WithDiscardUnknownFields(true);

    /// <summary>Parses one frame's bytes; false (with a reason for the error Output) when they are not an Input.</summary>
    public static bool TryParseInput(ReadOnlySpan<byte> bytes, out Input input, out string error)
    {
        try
        {
            input = InputParser.ParseFrom(bytes);
            error = "";
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            input = null!;
            error = "the frame is not an Input: " + e.Message;
            return false;
        }
    }

    /// <summary>One Output, written straight from <paramref name="data"/> (no intermediate copy of its bytes).</summary>
    public static byte[] Encode(string type, int code, string message = "", IMessage? data = null)
    {
        var dataSize = data?.CalculateSize() ?? 0;
        var size = 0;
        if (type.Length > 0) size += 1 + CodedOutputStream.ComputeStringSize(type);
        if (code != 0) size += 1 + CodedOutputStream.ComputeInt32Size(code);
        if (message.Length > 0) size += 1 + CodedOutputStream.ComputeStringSize(message);
        if (dataSize > 0) size += 1 + CodedOutputStream.ComputeLengthSize(dataSize) + dataSize;
        var frame = new byte[size];
        var output = new CodedOutputStream(frame);
        if (type.Length > 0)
        {
            output.WriteTag(Output.TypeFieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteString(type);
        }
        if (code != 0)
        {
            output.WriteTag(Output.CodeFieldNumber, WireFormat.WireType.Varint);
            output.WriteInt32(code);
        }
        if (message.Length > 0)
        {
            output.WriteTag(Output.MessageFieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteString(message);
        }
        if (dataSize > 0)
        {
            output.WriteTag(Output.DataFieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteLength(dataSize);
            data!.WriteTo(output);
        }
        output.CheckNoSpaceLeft();
        return frame;
    }

    public static byte[] Ok(string type, IMessage? data = null) => Encode(type, Seed003Codes.Ok, "", data);

    public static byte[] Refusal(string type, int code, string reason) => Encode(type, code, reason);

    /// <summary>Parses a request's <c>Input.data</c>; false (with the reason for a code-2 refusal) when it is not a <typeparamref name="T"/>.</summary>
    public static bool TryParse<T>(ByteString data, MessageParser<T> parser, out T message, out string error)
        where T : IMessage<T>
    {
        try
        {
            message = parser.WithDiscardUnknownFields(true).ParseFrom(data);
            error = "";
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            message = default!;
            error = "malformed data: " + e.Message;
            return false;
        }
    }

    /// <summary>The item a viewer sees for a stored 1:1 message (id = inbox seq; conversation = the other party).</summary>
    public static MessageItem DirectItem(UserId viewer, DirectMessage message, bool recalled, PublicProfile? sender)
    {
        var peer = message.SenderId == viewer ? message.RecipientId : message.SenderId;
        return Item(message.SenderId, ReceiverUser, message.RecipientId.Value, peer.Value, message.Seq, message.Payload, message.At, recalled, sender);
    }

    /// <summary>The item every member sees for a stored room message (id = <see cref="Seed003Ids.RoomMessage"/>).</summary>
    public static MessageItem RoomItem(RoomMessage message, bool recalled, PublicProfile? sender) =>
        Item(message.SenderId, ReceiverGroup, message.RoomId.Value, message.RoomId.Value, Seed003Ids.RoomMessage(message.RoomId, message.Seq),
            message.Payload, message.At, recalled, sender);

    private static MessageItem Item(UserId senderId, int receiverType, long receiverId, long conversation, long id, ChatPayload payload,
        DateTimeOffset at, bool recalled, PublicProfile? sender)
    {
        var item = new MessageItem
        {
            SenderType = UserSender,
            SenderId = senderId.Value,
            ReceiverType = receiverType,
            ReceiverId = receiverId,
            SendTime = at.ToUnixTimeMilliseconds(),
            Status = recalled ? StatusRecalled : StatusNormal,
            SenderName = sender?.Nickname ?? "",
            SenderAvatar = sender?.Avatar ?? "",
            ConversationId = conversation,
            Id = id,
        };
        if (recalled) item.ConversationMessage = Seed003Bodies.RecalledLabel; // no body: a recall takes the content back
        else Seed003Bodies.Fill(item, payload);
        return item;
    }
}
