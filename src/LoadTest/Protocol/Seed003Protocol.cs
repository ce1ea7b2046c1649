namespace AkkaChat.LoadTest.Protocol;

using System.Buffers;
using System.Text;
using AkkaChat.LoadTest.Sockets;
using Google.Protobuf;
using Wire = AkkaChat.Edge.Protocols.Seed003.Wire;

/// <summary>
/// Seed-003 (docs/PROTOCOL.md §4, golang_im's protobuf envelope), over <c>/ws</c> binary messages or the node's raw TCP
/// port (4-byte big-endian length frames). A socket signs in (<c>sign</c>, which has no reply) and sends a
/// <c>heartbeat</c> right behind it: the heartbeat's answer says the sign went through (frames are handled in order), so
/// it is the handshake's end. Each socket is a device of its own (a second sign of the same user and device would replace
/// the first connection). Messages go up as <c>sendmessage</c> with the probe as the text; the
/// <c>{sendmessage, 200}</c> reply carries the sender's copy, whose text names the message: that is the ack (seed-003
/// has no client ids, so a refusal cannot be matched to its message and counts as unacked). The audience gets
/// <c>{message, 200}</c> pushes; the sending connection gets none. Idle sockets heartbeat every 20 s (the server closes a
/// connection silent for 60 s).
/// </summary>
public sealed class Seed003Protocol(uint run, FrameTransport transport) : IClientProtocol
{
    private static ReadOnlySpan<byte> SendMessage => "sendmessage"u8;
    private static ReadOnlySpan<byte> Message => "message"u8;
    private static ReadOnlySpan<byte> Heartbeat => "heartbeat"u8;

    private static readonly byte[] HeartbeatFrame = new Wire.Input { Type = "heartbeat" }.ToByteArray();

    public string Name => transport == FrameTransport.Tcp ? "seed003/tcp" : "seed003/ws";

    public FrameTransport Transport => transport;

    public bool HasAcks => true;

    public bool SenderGetsOwnCopy => false;

    public bool ResumesFromPositions => false;

    public IReadOnlyList<ReadOnlyMemory<byte>> Handshake(long userId, string token, long device, StreamPositions positions)
    {
        var sign = new Wire.Input { Type = "sign" };
        sign.Auth.Add(new Wire.Auth { AppId = 1, UserId = userId, DeviceId = device, Token = token });
        return [sign.ToByteArray(), HeartbeatFrame];
    }

    public ReadOnlyMemory<byte> PingFrame => HeartbeatFrame;

    public TimeSpan? PingInterval => TimeSpan.FromSeconds(20);

    public string SocketPath(long userId, string token) => "ws";

    /// <summary>
    /// <c>Input{type "sendmessage", data SendMessage{receiver_type 4, receiver_id 5, message_body 7{message_type 1 = MT_TEXT,
    /// message_content 2{text 1{text 1}}}}}</c>, written in one pass (the sizes are known up front).
    /// </summary>
    public void WriteChat(IBufferWriter<byte> output, long clientRef, long senderUserId, int cmd, long dstId, ReadOnlySpan<byte> contentUtf8)
    {
        var receiverType = cmd == ChatCommands.Room ? 2UL : 1UL;
        var text = 1 + ProtoWire.VarintSize((ulong)contentUtf8.Length) + contentUtf8.Length;
        var content = 1 + ProtoWire.VarintSize((ulong)text) + text;
        var body = 2 + 1 + ProtoWire.VarintSize((ulong)content) + content;
        var send = 1 + ProtoWire.VarintSize(receiverType) + 1 + ProtoWire.VarintSize((ulong)dstId) + 1 + ProtoWire.VarintSize((ulong)body) + body;
        var total = 2 + SendMessage.Length + 1 + ProtoWire.VarintSize((ulong)send) + send;
        var span = output.GetSpan(total);
        var n = 0;
        span[n++] = ProtoWire.Tag(1, ProtoWire.Len);
        span[n++] = (byte)SendMessage.Length;
        SendMessage.CopyTo(span[n..]);
        n += SendMessage.Length;
        span[n++] = ProtoWire.Tag(2, ProtoWire.Len);
        n += ProtoWire.WriteVarint(span[n..], (ulong)send);
        span[n++] = ProtoWire.Tag(4, ProtoWire.Varint);
        n += ProtoWire.WriteVarint(span[n..], receiverType);
        span[n++] = ProtoWire.Tag(5, ProtoWire.Varint);
        n += ProtoWire.WriteVarint(span[n..], (ulong)dstId);
        span[n++] = ProtoWire.Tag(7, ProtoWire.Len);
        n += ProtoWire.WriteVarint(span[n..], (ulong)body);
        span[n++] = ProtoWire.Tag(1, ProtoWire.Varint);
        span[n++] = (byte)Wire.MessageType.MtText;
        span[n++] = ProtoWire.Tag(2, ProtoWire.Len);
        n += ProtoWire.WriteVarint(span[n..], (ulong)content);
        span[n++] = ProtoWire.Tag(1, ProtoWire.Len);
        n += ProtoWire.WriteVarint(span[n..], (ulong)text);
        span[n++] = ProtoWire.Tag(1, ProtoWire.Len);
        n += ProtoWire.WriteVarint(span[n..], (ulong)contentUtf8.Length);
        contentUtf8.CopyTo(span[n..]);
        n += contentUtf8.Length;
        output.Advance(n);
    }

    public InboundFrame Decode(ReadOnlySpan<byte> frame)
    {
        // Output{type 1, code 2, message 3, data 4}
        ReadOnlySpan<byte> type = default, message = default, data = default;
        ulong code = 0;
        var pos = 0;
        while (pos < frame.Length)
        {
            if (!ProtoWire.TryReadTag(frame, ref pos, out var field, out var wire)) return Malformed;
            var ok = (field, wire) switch
            {
                (1, ProtoWire.Len) => ProtoWire.TryReadBytes(frame, ref pos, out type),
                (2, ProtoWire.Varint) => ProtoWire.TryReadVarint(frame, ref pos, out code),
                (3, ProtoWire.Len) => ProtoWire.TryReadBytes(frame, ref pos, out message),
                (4, ProtoWire.Len) => ProtoWire.TryReadBytes(frame, ref pos, out data),
                _ => ProtoWire.TrySkip(frame, ref pos, wire),
            };
            if (!ok) return Malformed;
        }
        if (type.IsEmpty) return Malformed;
        if (code != 200)
        {
            var reason = Encoding.UTF8.GetString(message);
            return new InboundFrame { Kind = InboundKind.Error, ErrorCode = $"{Encoding.UTF8.GetString(type)} {(int)code}: {(reason.Length > 60 ? reason[..60] : reason)}" };
        }
        if (type.SequenceEqual(Message) || type.SequenceEqual(SendMessage))
        {
            if (!TryReadItem(data, out var sender, out var receiverType, out var receiver, out var id, out var text)) return Malformed;
            var cmd = receiverType == 2 ? ChatCommands.Room : ChatCommands.Direct;
            if (type.SequenceEqual(Message))
                return new InboundFrame { Kind = InboundKind.Chat, ServerSeq = id, SenderUserId = sender, Cmd = cmd, DstId = receiver, Content = text };
            return new InboundFrame { Kind = InboundKind.Ack, Ref = Probe.TryRead(text, run, out var seq, out _, out _) ? seq : 0, ServerSeq = id };
        }
        return type.SequenceEqual(Heartbeat) ? new InboundFrame { Kind = InboundKind.Synced } : new InboundFrame { Kind = InboundKind.Other };
    }

    private static InboundFrame Malformed => new() { Kind = InboundKind.Malformed };

    /// <summary>
    /// A MessageItem's sender_id 2, receiver_type 3, receiver_id 4, id 13 and its text (message_body 6 → message_content 2
    /// → text 1 → text 1; empty for other bodies).
    /// </summary>
    private static bool TryReadItem(ReadOnlySpan<byte> item, out long sender, out long receiverType, out long receiver, out long id, out ReadOnlySpan<byte> text)
    {
        sender = receiverType = receiver = id = 0;
        text = default;
        ReadOnlySpan<byte> body = default;
        var pos = 0;
        while (pos < item.Length)
        {
            if (!ProtoWire.TryReadTag(item, ref pos, out var field, out var wire)) return false;
            ulong v = 0;
            var ok = (field, wire) switch
            {
                (2 or 3 or 4 or 13, ProtoWire.Varint) => ProtoWire.TryReadVarint(item, ref pos, out v),
                (6, ProtoWire.Len) => ProtoWire.TryReadBytes(item, ref pos, out body),
                _ => ProtoWire.TrySkip(item, ref pos, wire),
            };
            if (!ok) return false;
            switch (field)
            {
                case 2 when wire == ProtoWire.Varint: sender = (long)v; break;
                case 3 when wire == ProtoWire.Varint: receiverType = (long)v; break;
                case 4 when wire == ProtoWire.Varint: receiver = (long)v; break;
                case 13 when wire == ProtoWire.Varint: id = (long)v; break;
            }
        }
        if (ProtoWire.TryFindBytes(body, 2, out var content) && ProtoWire.TryFindBytes(content, 1, out var textMessage))
            ProtoWire.TryFindBytes(textMessage, 1, out text);
        return true;
    }
}
