namespace AkkaChat.Edge.Protocols.V2;

using System.Globalization;
using System.Text.Json;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Transport;

/// <summary>Names of the two kinds of stream: a user's inbox (<c>u10000</c>) and a room's log (<c>r100</c>).</summary>
public static class Streams
{
    public static string Inbox(UserId user) => "u" + user;

    public static string Room(RoomId room) => "r" + room;
}

/// <summary>Server-to-client frames of protocol v2 (docs/PROTOCOL.md §3). Every frame has a <c>type</c>.</summary>
public static partial class V2Frames
{
    /// <param name="inboxStream">The owner's inbox stream (<see cref="Streams.Inbox"/>).</param>
    public static byte[] EncodeDirect(string inboxStream, DirectMessage m) =>
        JsonFrames.Write(DirectValues(inboxStream, m), WriteMessage);

    /// <summary>
    /// <see cref="EncodeDirect"/> for the push of a 1:1 message to one socket (the recipient's, or the sender's own copy):
    /// each socket encodes its own, so its bytes are pooled (<see cref="JsonFrames.WritePooled{TValues}"/>).
    /// </summary>
    public static OutboundFrame EncodeDirectPooled(string inboxStream, DirectMessage m) =>
        JsonFrames.WritePooled(DirectValues(inboxStream, m), WriteMessage);

    public static byte[] EncodeRoom(RoomMessage m) =>
        JsonFrames.Write(new MessageValues(Streams.Room(m.RoomId), m.Seq, m.MessageId, m.Cid, m.SenderId.Value, ChatCommand.Room, m.RoomId.Value, m.Payload, m.At), WriteMessage);

    /// <summary>
    /// <c>{"type":"ack","cid":…,"stream":…,"seq":…,"mid":…,"createat":…}</c>: the message is durably stored. Pooled: an
    /// ack goes to the one socket that sent the message.
    /// </summary>
    public static OutboundFrame EncodeAck(string cid, string stream, long seq, long messageId, DateTimeOffset at) =>
        JsonFrames.WritePooled((cid, stream, seq, messageId, at), static (Utf8JsonWriter w, in (string Cid, string Stream, long Seq, long MessageId, DateTimeOffset At) a) =>
        {
            w.WriteString("type", "ack");
            w.WriteString("cid", a.Cid);
            w.WriteString("stream", a.Stream);
            w.WriteNumber("seq", a.Seq);
            JsonFrames.WriteId(w, "mid", a.MessageId);
            w.WriteNumber("createat", a.At.ToUnixTimeMilliseconds());
        });

    /// <summary><c>{"type":"synced","inbox":…,"rooms":{…}}</c>: every stream is caught up to these; live traffic follows.</summary>
    public static byte[] EncodeSynced(long inbox, IEnumerable<KeyValuePair<RoomId, long>> rooms) =>
        JsonFrames.Write(w =>
        {
            w.WriteString("type", "synced");
            w.WriteNumber("inbox", inbox);
            w.WriteStartObject("rooms");
            foreach (var (room, seq) in rooms) w.WriteNumber(room.ToString(), seq);
            w.WriteEndObject();
        });

    public static byte[] EncodeError(string code, string message, string cid = "", string stream = "")
    {
        ChatMetrics.Refusal(code); // every socket refusal passes here
        return JsonFrames.Write(w =>
        {
            w.WriteString("type", "error");
            w.WriteString("code", code);
            w.WriteString("msg", message);
            if (cid.Length > 0) w.WriteString("cid", cid);
            if (stream.Length > 0) w.WriteString("stream", stream);
        });
    }

    public static readonly byte[] Pong = JsonFrames.Write(w => w.WriteString("type", "pong"));

    private static MessageValues DirectValues(string inboxStream, DirectMessage m) =>
        new(inboxStream, m.Seq, m.MessageId, m.Cid, m.SenderId.Value, ChatCommand.Direct, m.RecipientId.Value, m.Payload, m.At);

    /// <summary>The fields of a <c>msg</c> frame. A static method group: the compiler caches its delegate, none is made per frame.</summary>
    private static void WriteMessage(Utf8JsonWriter w, in MessageValues m)
    {
        w.WriteString("type", "msg");
        w.WriteString("stream", m.Stream);
        w.WriteNumber("seq", m.Seq);
        JsonFrames.WriteId(w, "mid", m.MessageId);
        if (m.Cid.Length > 0) w.WriteString("cid", m.Cid);
        Seed000Frames.WriteMessageBody(w, m.UserId, m.Cmd, m.DstId, m.Payload, m.At);
    }

    private readonly record struct MessageValues(string Stream, long Seq, long MessageId, string Cid, long UserId, int Cmd, long DstId, ChatPayload Payload, DateTimeOffset At);
}
