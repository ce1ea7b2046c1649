namespace AkkaChat.Edge.Protocols.Seed000;

using System.Text.Json;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Transport;

/// <summary>A seed-000 frame as a client sends it: <c>{id,userid,dstid,cmd,media,content,pic,url,memo,amount}</c>. <see cref="Cmd"/> is null when absent.</summary>
public sealed record Seed000Frame(long ClientRef, long? Cmd, long DstId, ChatPayload Payload);

/// <summary>
/// The seed-000 JSON codec (docs/PROTOCOL.md §2). Decoding reads the seed's fields with the shared <see cref="JsonFrames"/>
/// rules and ignores every other field. Encoding writes the seed's shape with empty fields left out, as the Go server did.
/// </summary>
public static class Seed000Frames
{
    /// <summary>Decodes a text frame, or returns the reason it is not a valid seed-000 frame.</summary>
    public static (Seed000Frame? Frame, FrameError? Error) Decode(ReadOnlySpan<byte> utf8)
    {
        var fields = new MessageFields();
        var error = JsonFrames.Read(utf8, ref fields);
        return error is null ? (new Seed000Frame(fields.Id, fields.Cmd, fields.DstId, fields.ToPayload()), null) : (null, error);
    }

    /// <summary>
    /// The push of a 1:1 message to one socket. Pooled (<see cref="JsonFrames.WritePooled{TValues}"/>): each socket encodes
    /// its own and nothing keeps it, so its session returns the bytes once written.
    /// </summary>
    public static OutboundFrame EncodeDirect(DirectMessage m) =>
        JsonFrames.WritePooled(new MessageValues(m.Seq, m.SenderId.Value, ChatCommand.Direct, m.RecipientId.Value, m.Payload, m.At), WriteMessage);

    /// <summary>A room message: encoded once per node and sent by every subscribed socket (<see cref="RoomFrame"/>), so never pooled.</summary>
    public static byte[] EncodeRoom(RoomMessage m) =>
        JsonFrames.Write(new MessageValues(m.Seq, m.SenderId.Value, ChatCommand.Room, m.RoomId.Value, m.Payload, m.At), WriteMessage);

    /// <summary>The error frame: <c>{"type":"error","code":"…","msg":"…","ref":id}</c>.</summary>
    public static byte[] EncodeError(string code, string message, long clientRef)
    {
        ChatMetrics.Refusal(code); // every socket refusal passes here
        return JsonFrames.Write(w =>
        {
            w.WriteString("type", "error");
            w.WriteString("code", code);
            w.WriteString("msg", message);
            if (clientRef != 0) w.WriteNumber("ref", clientRef);
        });
    }

    private static void WriteMessage(Utf8JsonWriter w, in MessageValues m)
    {
        w.WriteNumber("id", m.Id);
        WriteMessageBody(w, m.UserId, m.Cmd, m.DstId, m.Payload, m.At);
    }

    private readonly record struct MessageValues(long Id, long UserId, int Cmd, long DstId, ChatPayload Payload, DateTimeOffset At);

    /// <summary>The seed-000 message fields, empty ones left out, plus the server time.</summary>
    internal static void WriteMessageBody(Utf8JsonWriter w, long userId, int cmd, long dstId, ChatPayload p, DateTimeOffset at)
    {
        w.WriteNumber("userid", userId);
        w.WriteNumber("cmd", cmd);
        w.WriteNumber("dstid", dstId);
        if (p.Media != 0) w.WriteNumber("media", p.Media);
        if (p.Content.Length > 0) w.WriteString("content", p.Content);
        if (p.Pic.Length > 0) w.WriteString("pic", p.Pic);
        if (p.Url.Length > 0) w.WriteString("url", p.Url);
        if (p.Memo.Length > 0) w.WriteString("memo", p.Memo);
        if (p.Amount != 0) w.WriteNumber("amount", p.Amount);
        w.WriteNumber("createat", at.ToUnixTimeMilliseconds());
    }

    /// <summary>
    /// The seed-000 message fields, which are a whole seed-000 frame and the body of a v2 <c>send</c>; "userid" and
    /// anything else is skipped: the server decides who sent it.
    /// </summary>
    internal struct MessageFields() : IJsonFrameFields
    {
        public long Id;
        public long DstId;
        public long? Cmd;
        public int Media;
        public long Amount;
        public string Content = "";
        public string Pic = "";
        public string Url = "";
        public string Memo = "";

        public readonly ChatPayload ToPayload() => new(Media, Content, Pic, Url, Memo, Amount);

        public void Read(string? name, ref Utf8JsonReader reader)
        {
            switch (name)
            {
                case "id": Id = JsonFrames.ReadLong(ref reader, name) ?? 0; break;
                case "dstid": DstId = JsonFrames.ReadLong(ref reader, name) ?? 0; break;
                case "cmd": Cmd = JsonFrames.ReadLong(ref reader, name); break;
                case "media": Media = JsonFrames.ReadInt(ref reader, name); break;
                case "amount": Amount = JsonFrames.ReadLong(ref reader, name) ?? 0; break;
                case "content": Content = JsonFrames.ReadString(ref reader, name); break;
                case "pic": Pic = JsonFrames.ReadString(ref reader, name); break;
                case "url": Url = JsonFrames.ReadString(ref reader, name); break;
                case "memo": Memo = JsonFrames.ReadString(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }
    }
}
