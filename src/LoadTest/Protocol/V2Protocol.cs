namespace AkkaChat.LoadTest.Protocol;

using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AkkaChat.LoadTest.Sockets;

/// <summary>
/// Protocol v2 (<c>/chat?...&amp;v=2</c>, docs/PROTOCOL.md §3): every frame has a <c>type</c>. The harness sends
/// <c>sync</c> once after connecting (first connect: inbox 0, rooms from their head; reconnect: from the socket's
/// <see cref="StreamPositions"/>) and waits for <c>synced</c>; messages go up as
/// <c>send</c> with a client id <c>lt{run}-{n}</c>, are acknowledged by <c>ack</c> with the same client id, and reach
/// the audience as <c>msg</c> (the sender's own socket also gets its messages back: they are in its streams). Idle sockets send <c>ping</c>.
/// </summary>
public sealed class V2Protocol : IClientProtocol
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly byte[] _cidPrefix;

    public V2Protocol(uint run)
    {
        _cidPrefix = Encoding.ASCII.GetBytes($"lt{run:x8}-");
    }

    public string Name => "v2";

    public bool HasAcks => true;

    public bool SenderGetsOwnCopy => true;

    public bool ResumesFromPositions => true;

    public FrameTransport Transport => FrameTransport.WebSocketText;

    public IReadOnlyList<ReadOnlyMemory<byte>> Handshake(long userId, string token, long device, StreamPositions positions)
    {
        var (inbox, rooms) = positions.Snapshot();
        var output = new ArrayBufferWriter<byte>(64 + rooms.Length * 24);
        using (var w = new Utf8JsonWriter(output, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "sync"u8);
            w.WriteNumber("inbox"u8, inbox);
            if (rooms.Length > 0)
            {
                w.WriteStartObject("rooms"u8);
                foreach (var (room, seq) in rooms) w.WriteNumber(room.ToString(System.Globalization.CultureInfo.InvariantCulture), seq);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return [output.WrittenMemory];
    }

    public ReadOnlyMemory<byte> PingFrame { get; } = "{\"type\":\"ping\"}"u8.ToArray();

    /// <summary>The server closes a v2 socket after 3 silent 30 s intervals; 20 s keeps well inside that.</summary>
    public TimeSpan? PingInterval => TimeSpan.FromSeconds(20);

    public string SocketPath(long userId, string token) => $"chat?id={userId}&token={Uri.EscapeDataString(token)}&v=2";

    public void WriteChat(IBufferWriter<byte> output, long clientRef, long senderUserId, int cmd, long dstId, ReadOnlySpan<byte> contentUtf8)
    {
        Span<byte> cid = stackalloc byte[_cidPrefix.Length + 20];
        _cidPrefix.CopyTo(cid);
        Utf8Formatter.TryFormat(clientRef, cid[_cidPrefix.Length..], out var written);
        using var w = new Utf8JsonWriter(output, WriterOptions);
        w.WriteStartObject();
        w.WriteString("type"u8, "send"u8);
        w.WriteString("cid"u8, cid[..(_cidPrefix.Length + written)]);
        w.WriteNumber("cmd"u8, cmd);
        w.WriteNumber("dstid"u8, dstId);
        w.WriteNumber("media"u8, 1);
        w.WriteString("content"u8, contentUtf8);
        w.WriteEndObject();
    }

    public InboundFrame Decode(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new InboundFrame { Kind = InboundKind.Malformed };
            long seq = 0, user = 0, dst = 0, cid = 0, inbox = 0;
            List<KeyValuePair<long, long>>? rooms = null;
            var cmd = -1;
            string? type = null, code = null;
            ReadOnlySpan<byte> content = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8)) { reader.Read(); type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; }
                else if (reader.ValueTextEquals("seq"u8)) { reader.Read(); seq = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("userid"u8)) { reader.Read(); user = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("dstid"u8)) { reader.Read(); dst = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("cmd"u8)) { reader.Read(); cmd = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : -1; }
                else if (reader.ValueTextEquals("cid"u8)) { reader.Read(); cid = reader.TokenType == JsonTokenType.String ? OurRef(reader) : 0; }
                else if (reader.ValueTextEquals("inbox"u8)) { reader.Read(); inbox = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("rooms"u8)) { reader.Read(); rooms = ReadRooms(ref reader); }
                else if (reader.ValueTextEquals("code"u8)) { reader.Read(); code = reader.TokenType == JsonTokenType.String ? reader.GetString() : "unknown"; }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                        content = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString() ?? "") : reader.ValueSpan;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return type switch
            {
                "msg" when cmd is ChatCommands.Direct or ChatCommands.Room =>
                    new InboundFrame { Kind = InboundKind.Chat, ServerSeq = seq, SenderUserId = user, Cmd = cmd, DstId = dst, Content = content, ClientRef = cid },
                "ack" => new InboundFrame { Kind = InboundKind.Ack, Ref = cid, ServerSeq = seq },
                "error" => new InboundFrame { Kind = InboundKind.Error, ErrorCode = code ?? "unknown", Ref = cid },
                "synced" => new InboundFrame { Kind = InboundKind.Synced, SyncedInbox = inbox, SyncedRooms = rooms?.ToArray() },
                null => new InboundFrame { Kind = InboundKind.Malformed },
                _ => new InboundFrame { Kind = InboundKind.Other },
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return new InboundFrame { Kind = InboundKind.Malformed };
        }
    }

    /// <summary>A <c>rooms</c> object of <c>synced</c>: room id (a property name) to seq; null when it is not an object.</summary>
    private static List<KeyValuePair<long, long>>? ReadRooms(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        var rooms = new List<KeyValuePair<long, long>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var room = long.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0;
            reader.Read();
            if (room != 0 && reader.TokenType == JsonTokenType.Number) rooms.Add(new(room, reader.GetInt64()));
            else reader.Skip();
        }
        return rooms;
    }

    /// <summary>The message number in a client id of this run, or 0 (another run's or another client's id).</summary>
    private long OurRef(Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return 0;
        var value = reader.ValueSpan;
        return value.StartsWith(_cidPrefix) && Utf8Parser.TryParse(value[_cidPrefix.Length..], out long n, out var used)
            && used == value.Length - _cidPrefix.Length ? n : 0;
    }
}
