namespace AkkaChat.Edge.Sockets;

using System.Buffers;
using System.Text.Json;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

/// <summary>
/// A frame as a client sends it. Seed-000: <c>{id,userid,dstid,cmd,media,content,pic,url,memo,amount}</c> (no type).
/// Protocol v2 adds <c>type</c> (send, sync, ping), <c>cid</c>, and for sync <c>inbox</c> and <c>rooms</c>. <see cref="Cmd"/> is -1 when absent.
/// </summary>
public sealed record InboundFrame(string Type, string Cid, long ClientRef, int Cmd, long DstId, ChatPayload Payload, long? Inbox, IReadOnlyDictionary<long, long>? Rooms)
{
    /// <summary>v2: a conversation (<c>u{peer}</c>, <c>r{room}</c>) or a stream (<c>u{me}</c>, <c>r{room}</c>).</summary>
    public string Conv { get; init; } = "";
    public string Stream { get; init; } = "";
    public long? Seq { get; init; }
    public long? Before { get; init; }
    public long? Limit { get; init; }
    public long? Offset { get; init; }
    public bool? Pinned { get; init; }
    public bool? Muted { get; init; }
}

/// <summary>
/// The seed-000 JSON codec. Decoding is tolerant of what browsers send (numbers as strings, missing fields);
/// encoding writes the seed's shape with empty fields left out, as the Go server did.
/// </summary>
public static class LegacyFrames
{
    /// <summary>Decodes a text frame, or returns the reason it is not a valid chat frame.</summary>
    public static (InboundFrame? Frame, string? Error) Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, "a frame must be a JSON object");
            long id = 0, dst = 0, amount = 0;
            long? inbox = null;
            Dictionary<long, long>? rooms = null;
            int cmd = -1, media = 0;
            string type = "", cid = "", content = "", pic = "", url = "", memo = "", conv = "", stream = "";
            long? seq = null, before = null, limit = null, offset = null;
            bool? pinned = null, muted = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName) return (null, "malformed JSON object");
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "id": id = ReadLong(ref reader, name); break;
                    case "dstid": dst = ReadLong(ref reader, name); break;
                    case "cmd": cmd = checked((int)ReadLong(ref reader, name)); break;
                    case "media": media = checked((int)ReadLong(ref reader, name)); break;
                    case "amount": amount = ReadLong(ref reader, name); break;
                    case "content": content = ReadString(ref reader, name); break;
                    case "pic": pic = ReadString(ref reader, name); break;
                    case "url": url = ReadString(ref reader, name); break;
                    case "memo": memo = ReadString(ref reader, name); break;
                    case "type": type = ReadString(ref reader, name); break;
                    case "cid": cid = ReadString(ref reader, name); break;
                    case "inbox": inbox = ReadLong(ref reader, name); break;
                    case "rooms": rooms = ReadCursorMap(ref reader, name); break;
                    case "conv": conv = ReadString(ref reader, name); break;
                    case "stream": stream = ReadString(ref reader, name); break;
                    case "seq": seq = ReadLong(ref reader, name); break;
                    case "before": before = ReadLong(ref reader, name); break;
                    case "limit": limit = ReadLong(ref reader, name); break;
                    case "offset": offset = ReadLong(ref reader, name); break;
                    case "pinned": pinned = ReadBool(ref reader, name); break;
                    case "muted": muted = ReadBool(ref reader, name); break;
                    default: reader.Skip(); break; // userid and anything else: the server decides who sent it
                }
            }
            return (new InboundFrame(type, cid, id, cmd, dst, new ChatPayload(media, content, pic, url, memo, amount), inbox, rooms)
            {
                Conv = conv,
                Stream = stream,
                Seq = seq,
                Before = before,
                Limit = limit,
                Offset = offset,
                Pinned = pinned,
                Muted = muted,
            }, null);
        }
        catch (JsonException e)
        {
            return (null, "malformed JSON: " + e.Message);
        }
        catch (FormatException e)
        {
            return (null, e.Message);
        }
        catch (OverflowException)
        {
            return (null, "a number is out of range");
        }
        catch (InvalidOperationException e)
        {
            return (null, e.Message);
        }
    }

    public static byte[] EncodeDirect(DirectMessage m) => Encode(m.Seq, m.SenderId.Value, ChatCommand.Direct, m.RecipientId.Value, m.Payload, m.At);

    public static byte[] EncodeRoom(RoomMessage m) => Encode(m.Seq, m.SenderId.Value, ChatCommand.Room, m.RoomId.Value, m.Payload, m.At);

    /// <summary>The error frame: <c>{"type":"error","code":"…","msg":"…","ref":id}</c>.</summary>
    public static byte[] EncodeError(string code, string message, long clientRef) =>
        Write(128, w =>
        {
            w.WriteString("type", "error");
            w.WriteString("code", code);
            w.WriteString("msg", message);
            if (clientRef != 0) w.WriteNumber("ref", clientRef);
        });

    private static byte[] Encode(long id, long userId, int cmd, long dstId, ChatPayload p, DateTimeOffset at) =>
        Write(128 + p.TextLength * 3, w =>
        {
            w.WriteNumber("id", id);
            WriteMessageBody(w, userId, cmd, dstId, p, at);
        });

    /// <summary>Writes one JSON object with <paramref name="fields"/> into a right-sized array.</summary>
    internal static byte[] Write(int sizeHint, Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(sizeHint);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

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

    private static Dictionary<long, long> ReadCursorMap(ref Utf8JsonReader reader, string? name)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new FormatException($"{name} must be an object of room id to sequence number");
        var map = new Dictionary<long, long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (map.Count >= 10_000) throw new FormatException($"{name} has too many entries");
            if (!long.TryParse(reader.GetString(), out var key)) throw new FormatException($"{name} keys must be room ids");
            reader.Read();
            map[key] = ReadLong(ref reader, name);
        }
        return map;
    }

    private static bool ReadBool(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new FormatException($"{name} must be true or false"),
    };

    internal static long ReadLong(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var v) => v,
        JsonTokenType.Number => throw new FormatException($"{name} must be an integer"),
        JsonTokenType.String when long.TryParse(reader.GetString(), out var v) => v,
        JsonTokenType.Null => 0,
        _ => throw new FormatException($"{name} must be a number"),
    };

    internal static string ReadString(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString() ?? "",
        JsonTokenType.Null => "",
        JsonTokenType.Number => reader.TryGetInt64(out var v) ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new FormatException($"{name} must be a string"),
    };
}
