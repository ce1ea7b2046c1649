namespace AkkaChat.Persistence.Serialization;

using System.Text;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using Google.Protobuf;

/// <summary>
/// The two events stored for every chat message, <c>DirectMessageStored</c> and <c>RoomMessageStored</c>, written
/// straight into their bytes: the bytes the generated protobuf classes write (a test holds every field to it), without
/// the three protobuf objects per event that building them took (docs/BENCHMARKS.md, issue 14, step 12). They are read
/// back through the generated parser like every other event.
/// </summary>
public sealed partial class ChatEventSerializer
{
    private static byte[] Bytes(UserEvents.DirectMessageStored e)
    {
        var m = e.Message;
        return MessageEvent(m.Seq, m.SenderId.Value, m.RecipientId.Value, m.Payload, ToUnixMs(m.At), m.MessageId, m.Cid);
    }

    private static byte[] Bytes(RoomEvents.RoomMessageStored e)
    {
        var m = e.Message;
        return MessageEvent(m.RoomId.Value, m.Seq, m.SenderId.Value, m.Payload, ToUnixMs(m.At), m.MessageId, m.Cid);
    }

    /// <summary>
    /// An event whose only field (1) is a message of three int64 fields (1–3: the ids that differ between a direct and a
    /// room message), the payload (4), the time (5), the message id (6) and the cid (7). As protobuf writes them: in
    /// field order, a field at its default value left out, the payload always present.
    /// </summary>
    private static byte[] MessageEvent(long first, long second, long third, ChatPayload payload, long atUnixMs, long messageId, string cid)
    {
        var payloadSize = ProtoBytes.Int32Size(payload.Media) + ProtoBytes.StringSize(payload.Content) + ProtoBytes.StringSize(payload.Pic)
            + ProtoBytes.StringSize(payload.Url) + ProtoBytes.StringSize(payload.Memo) + ProtoBytes.Int64Size(payload.Amount);
        var messageSize = ProtoBytes.Int64Size(first) + ProtoBytes.Int64Size(second) + ProtoBytes.Int64Size(third)
            + ProtoBytes.MessageSize(payloadSize) + ProtoBytes.Int64Size(atUnixMs) + ProtoBytes.Int64Size(messageId) + ProtoBytes.StringSize(cid);
        var bytes = new byte[ProtoBytes.MessageSize(messageSize)];
        var w = new ProtoBytes(bytes);
        w.Message(1, messageSize);
        w.Int64(1, first);
        w.Int64(2, second);
        w.Int64(3, third);
        w.Message(4, payloadSize);
        w.Int32(1, payload.Media);
        w.String(2, payload.Content);
        w.String(3, payload.Pic);
        w.String(4, payload.Url);
        w.String(5, payload.Memo);
        w.Int64(6, payload.Amount);
        w.Int64(5, atUnixMs);
        w.Int64(6, messageId);
        w.String(7, cid);
        if (w.Written != bytes.Length) throw new InvalidOperationException($"a message event took {w.Written} of its {bytes.Length} bytes");
        return bytes;
    }

    /// <summary>Protobuf's wire format, the parts those two events use, into a span sized for them beforehand.</summary>
    private ref struct ProtoBytes(Span<byte> bytes)
    {
        private const int VarintType = 0;
        private const int LengthDelimitedType = 2;

        private readonly Span<byte> _bytes = bytes;

        public int Written { get; private set; }

        // Sizes of a field numbered below 16 (a one-byte tag) as protobuf computes them; a proto3 field at its default is
        // left out.
        public static int Int32Size(int value) => value == 0 ? 0 : 1 + CodedOutputStream.ComputeInt32Size(value);

        public static int Int64Size(long value) => value == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(value);

        public static int StringSize(string value) => value.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeStringSize(value);

        /// <summary>A field holding <paramref name="size"/> bytes: tag, length, bytes.</summary>
        public static int MessageSize(int size) => 1 + CodedOutputStream.ComputeLengthSize(size) + size;

        public void Int32(int field, int value)
        {
            if (value != 0) Int64(field, value);
        }

        public void Int64(int field, long value)
        {
            if (value == 0) return;
            Tag(field, VarintType);
            Varint((ulong)value);
        }

        public void String(int field, string value)
        {
            if (value.Length == 0) return;
            var size = Encoding.UTF8.GetByteCount(value);
            Message(field, size);
            Written += Encoding.UTF8.GetBytes(value, _bytes[Written..(Written + size)]);
        }

        /// <summary>A length-delimited field's tag and length; its <paramref name="size"/> bytes follow.</summary>
        public void Message(int field, int size)
        {
            Tag(field, LengthDelimitedType);
            Varint((uint)size);
        }

        private void Tag(int field, int wireType) => _bytes[Written++] = (byte)(field << 3 | wireType);

        private void Varint(ulong value)
        {
            for (; value >= 0x80; value >>= 7) _bytes[Written++] = (byte)(value | 0x80);
            _bytes[Written++] = (byte)value;
        }
    }
}
