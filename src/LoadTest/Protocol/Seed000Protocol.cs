namespace AkkaChat.LoadTest.Protocol;

using System.Buffers;
using System.Text;
using System.Text.Json;
using AkkaChat.LoadTest.Sockets;

/// <summary>
/// Seed-000: <c>{"id","userid","dstid","cmd","media","content"}</c> up; recipients get the same shape with the
/// server's sequence number as <c>id</c>; errors are <c>{"type":"error","code","msg","ref"}</c>. No acks.
/// </summary>
public sealed class Seed000Protocol : IClientProtocol
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public string Name => "seed000";

    public bool HasAcks => false;

    public bool SenderGetsOwnCopy => false;

    public bool ResumesFromPositions => false;

    public FrameTransport Transport => FrameTransport.WebSocketText;

    public IReadOnlyList<ReadOnlyMemory<byte>> Handshake(long userId, string token, long device, StreamPositions positions) => [];

    public ReadOnlyMemory<byte> PingFrame => ReadOnlyMemory<byte>.Empty;

    public TimeSpan? PingInterval => null;

    public string SocketPath(long userId, string token) => $"chat?id={userId}&token={Uri.EscapeDataString(token)}";

    public void WriteChat(IBufferWriter<byte> output, long clientRef, long senderUserId, int cmd, long dstId, ReadOnlySpan<byte> contentUtf8)
    {
        using var w = new Utf8JsonWriter(output, WriterOptions);
        w.WriteStartObject();
        w.WriteNumber("id"u8, clientRef);
        w.WriteNumber("userid"u8, senderUserId);
        w.WriteNumber("dstid"u8, dstId);
        w.WriteNumber("cmd"u8, cmd);
        w.WriteNumber("media"u8, 1);
        w.WriteString("content"u8, contentUtf8);
        w.WriteEndObject();
    }

    public InboundFrame Decode(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new InboundFrame { Kind = InboundKind.Malformed };
            long id = 0, user = 0, dst = 0, reference = 0;
            var cmd = -1;
            string? type = null, code = null;
            ReadOnlySpan<byte> content = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8)) { reader.Read(); id = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("userid"u8)) { reader.Read(); user = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("dstid"u8)) { reader.Read(); dst = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("cmd"u8)) { reader.Read(); cmd = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : -1; }
                else if (reader.ValueTextEquals("ref"u8)) { reader.Read(); reference = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0; }
                else if (reader.ValueTextEquals("type"u8)) { reader.Read(); type = reader.GetString(); }
                else if (reader.ValueTextEquals("code"u8)) { reader.Read(); code = reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture); }
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
            if (type == "error") return new InboundFrame { Kind = InboundKind.Error, ErrorCode = code ?? "unknown", Ref = reference };
            if (type is not null || cmd is not (ChatCommands.Direct or ChatCommands.Room)) return new InboundFrame { Kind = InboundKind.Other };
            return new InboundFrame { Kind = InboundKind.Chat, ServerSeq = id, SenderUserId = user, Cmd = cmd, DstId = dst, Content = content };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return new InboundFrame { Kind = InboundKind.Malformed };
        }
    }
}
