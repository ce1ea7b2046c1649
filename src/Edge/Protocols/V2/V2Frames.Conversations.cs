namespace AkkaChat.Edge.Protocols.V2;

using System.Globalization;
using System.Text.Json;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Protocols.Seed000;

/// <summary>Conversation frames of protocol v2: read markers, flags, receipts, typing, presence, recalls, history, lists.</summary>
public static partial class V2Frames
{
    public static byte[] EncodeRead(ConversationId conversation, long seq, long unread) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "read");
            w.WriteString("conv", conversation.ToString());
            w.WriteNumber("seq", seq);
            w.WriteNumber("unread", unread);
        });

    public static byte[] EncodeFlags(ConversationId conversation, bool pinned, bool muted) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "flags");
            w.WriteString("conv", conversation.ToString());
            w.WriteBoolean("pinned", pinned);
            w.WriteBoolean("muted", muted);
        });

    public static byte[] EncodeReceipt(UserId reader, long messageId, DateTimeOffset readAt) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "receipt");
            w.WriteString("conv", ConversationId.With(reader).ToString());
            w.WriteNumber("userid", reader.Value);
            w.WriteString("mid", messageId.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("readat", readAt.ToUnixTimeMilliseconds());
        });

    public static byte[] EncodeTyping(ConversationId conversation, UserId from) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "typing");
            w.WriteString("conv", conversation.ToString());
            w.WriteNumber("userid", from.Value);
        });

    public static byte[] EncodePresence(UserId friend, bool online) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "presence");
            w.WriteNumber("userid", friend.Value);
            w.WriteBoolean("online", online);
        });

    public static byte[] EncodeRecalled(string stream, long seq, long messageId) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "recalled");
            w.WriteString("stream", stream);
            w.WriteNumber("seq", seq);
            w.WriteString("mid", messageId.ToString(CultureInfo.InvariantCulture));
        });

    /// <summary><c>{"type":"history","conv":…,"messages":[…],"more":…,"before":…}</c>: oldest first; recalled messages carry no content.</summary>
    public static byte[] EncodeHistory(string conversation, IEnumerable<byte[]> messages, bool more, long nextBefore) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "history");
            w.WriteString("conv", conversation);
            w.WriteStartArray("messages");
            foreach (var m in messages) w.WriteRawValue(m, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteBoolean("more", more);
            w.WriteNumber("before", nextBefore);
        });

    /// <summary>A stored message as history shows it: the msg frame, or, when recalled, only who sent what when.</summary>
    /// <param name="inboxStream">The owner's inbox stream (<see cref="Streams.Inbox"/>).</param>
    public static byte[] EncodeDirectForHistory(string inboxStream, DirectMessage m, bool recalled) =>
        recalled ? EncodeRecalledMessage(inboxStream, m.Seq, m.MessageId, m.SenderId.Value, ChatCommand.Direct, m.RecipientId.Value, m.At) : EncodeDirect(inboxStream, m);

    public static byte[] EncodeRoomForHistory(RoomMessage m, bool recalled) =>
        recalled ? EncodeRecalledMessage(Streams.Room(m.RoomId), m.Seq, m.MessageId, m.SenderId.Value, ChatCommand.Room, m.RoomId.Value, m.At) : EncodeRoom(m);

    /// <summary>One conversation-list entry.</summary>
    public sealed record ConversationItem(ConversationId Conversation, string Name, string Avatar, byte[]? Last, DateTimeOffset LastAt, long Unread, bool Pinned, bool Muted);

    public static byte[] EncodeConversations(int total, IEnumerable<ConversationItem> items) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "conversations");
            w.WriteNumber("total", total);
            w.WriteStartArray("items");
            foreach (var item in items)
            {
                w.WriteStartObject();
                w.WriteString("conv", item.Conversation.ToString());
                w.WriteString("name", item.Name);
                w.WriteString("avatar", item.Avatar);
                w.WritePropertyName("last");
                if (item.Last is null) w.WriteNullValue();
                else w.WriteRawValue(item.Last, skipInputValidation: true);
                w.WriteNumber("unread", item.Unread);
                w.WriteBoolean("pinned", item.Pinned);
                w.WriteBoolean("muted", item.Muted);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

    private static byte[] EncodeRecalledMessage(string stream, long seq, long messageId, long userId, int cmd, long dstId, DateTimeOffset at) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "msg");
            w.WriteString("stream", stream);
            w.WriteNumber("seq", seq);
            w.WriteString("mid", messageId.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("userid", userId);
            w.WriteNumber("cmd", cmd);
            w.WriteNumber("dstid", dstId);
            w.WriteBoolean("recalled", true);
            w.WriteNumber("createat", at.ToUnixTimeMilliseconds());
        });
}
