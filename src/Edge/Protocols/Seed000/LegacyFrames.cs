namespace AkkaChat.Edge.Protocols.Seed000;

using System.Buffers;
using System.Text.Json;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Transport;

/// <summary>
/// A frame as a client sends it. Seed-000: <c>{id,userid,dstid,cmd,media,content,pic,url,memo,amount}</c> (no type).
/// Protocol v2 adds <c>type</c> (send, sync, ping), <c>cid</c>, and for sync <c>inbox</c> and <c>rooms</c>. <see cref="Cmd"/> is null when absent.
/// </summary>
public sealed record InboundFrame(string Type, string Cid, long ClientRef, long? Cmd, long DstId, ChatPayload Payload, long? Inbox, IReadOnlyDictionary<long, long>? Rooms)
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

/// <summary>Why a frame was refused, and the client's reference to it (seed-000 <c>id</c>, v2 <c>cid</c>) when it had a readable one.</summary>
public sealed record FrameError(string Message, long ClientRef, string Cid);

/// <summary>
/// The seed-000 JSON codec. Decoding checks types and never coerces (docs/PROTOCOL.md §2): numbers are JSON integers,
/// text is JSON strings, <c>null</c> counts as absent — what the seed's browser client sends, and what its Go server
/// accepted. Encoding writes the seed's shape with empty fields left out, as the Go server did.
/// </summary>
public static class LegacyFrames
{
    /// <summary>
    /// How deeply a frame may nest (the frame object is level 1). Clients may put structured data in fields the server
    /// does not read; the 64 KiB frame limit bounds the work of skipping it.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>Decodes a text frame, or returns the reason it is not a valid chat frame.</summary>
    public static (InboundFrame? Frame, FrameError? Error) Decode(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        string? error;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, new FrameError("a frame must be a JSON object", 0, ""));
            long id = 0, dst = 0, amount = 0;
            long? inbox = null, cmd = null;
            Dictionary<long, long>? rooms = null;
            int media = 0;
            string type = "", cid = "", content = "", pic = "", url = "", memo = "", conv = "", stream = "";
            long? seq = null, before = null, limit = null, offset = null;
            bool? pinned = null, muted = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "id": id = ReadLong(ref reader, name) ?? 0; break;
                    case "dstid": dst = ReadLong(ref reader, name) ?? 0; break;
                    case "cmd": cmd = ReadLong(ref reader, name); break;
                    case "media": media = ReadInt(ref reader, name); break;
                    case "amount": amount = ReadLong(ref reader, name) ?? 0; break;
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
            if (reader.Read()) return (null, new FrameError("a frame must be one JSON object, with nothing after it", 0, ""));
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
            error = reader.CurrentDepth >= MaxDepth - 1 && e.Message.Contains("depth", StringComparison.Ordinal)
                ? $"malformed JSON: frames may nest at most {MaxDepth} levels deep"
                : "malformed JSON: " + e.Message;
        }
        catch (FormatException e)
        {
            error = e.Message;
        }
        catch (InvalidOperationException)
        {
            error = "malformed JSON: a name or string is not valid UTF-8"; // GetString refuses to transcode it
        }
        var (clientRef, clientId) = FindReference(utf8);
        return (null, new FrameError(error, clientRef, clientId));
    }

    public static byte[] EncodeDirect(DirectMessage m) => Encode(m.Seq, m.SenderId.Value, ChatCommand.Direct, m.RecipientId.Value, m.Payload, m.At);

    public static byte[] EncodeRoom(RoomMessage m) => Encode(m.Seq, m.SenderId.Value, ChatCommand.Room, m.RoomId.Value, m.Payload, m.At);

    /// <summary>The error frame: <c>{"type":"error","code":"…","msg":"…","ref":id}</c>.</summary>
    public static byte[] EncodeError(string code, string message, long clientRef)
    {
        ChatMetrics.Refusal(code); // every socket refusal passes here
        return Write(128, w =>
        {
            w.WriteString("type", "error");
            w.WriteString("code", code);
            w.WriteString("msg", message);
            if (clientRef != 0) w.WriteNumber("ref", clientRef);
        });
    }

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
        if (reader.TokenType != JsonTokenType.StartObject) throw new FormatException($"{name} must be an object of room id to sequence number, not {Describe(reader.TokenType)}");
        var map = new Dictionary<long, long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (map.Count >= 10_000) throw new FormatException($"{name} has too many entries");
            var key = reader.GetString();
            if (!Http.RequestFields.IsCanonicalId(key, out var room)) throw new FormatException($"{name} keys must be room ids in plain digits, not \"{Shorten(key)}\"");
            reader.Read();
            map[room] = ReadLong(ref reader, $"{name}[\"{room}\"]") ?? throw new FormatException($"{name}[\"{room}\"] must be a sequence number, not null");
        }
        return map;
    }

    /// <summary>
    /// The client's reference (<c>id</c> or <c>cid</c>) of a frame that failed to decode, for its error frame: a second,
    /// forgiving pass over the top level that reads only those two and skips the rest.
    /// </summary>
    private static (long ClientRef, string Cid) FindReference(ReadOnlySpan<byte> utf8)
    {
        long clientRef = 0;
        var cid = "";
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (0, "");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isCid = reader.ValueTextEquals("cid"u8);
                reader.Read();
                if (isId && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var id)) clientRef = id;
                else if (isCid && reader.TokenType == JsonTokenType.String) cid = reader.GetString() ?? "";
                else reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Whatever was found before the frame broke off is still the client's reference.
        }
        return (clientRef, cid.Length <= 64 ? cid : "");
    }

    private static bool? ReadBool(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => throw new FormatException($"{name} must be true or false, not {Describe(reader.TokenType)}"),
    };

    /// <summary>A whole JSON number (no fraction or exponent) that fits 64 bits; null for <c>null</c>. Strings are refused, never parsed.</summary>
    internal static long? ReadLong(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var v) => v,
        JsonTokenType.Number => throw new FormatException($"{name} must be a whole number of at most 64 bits"),
        JsonTokenType.Null => null,
        _ => throw new FormatException($"{name} must be a number, not {Describe(reader.TokenType)}"),
    };

    private static int ReadInt(ref Utf8JsonReader reader, string? name) =>
        ReadLong(ref reader, name) is { } v ? v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new FormatException($"{name} must be a whole number of at most 32 bits") : 0;

    /// <summary>A JSON string; "" for <c>null</c>. Numbers and everything else are refused.</summary>
    internal static string ReadString(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString() ?? "",
        JsonTokenType.Null => "",
        _ => throw new FormatException($"{name} must be a string, not {Describe(reader.TokenType)}"),
    };

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 20 ? text : text[..20] + "…";
}
