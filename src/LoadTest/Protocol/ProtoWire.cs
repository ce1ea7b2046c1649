namespace AkkaChat.LoadTest.Protocol;

/// <summary>
/// The few protobuf wire-format steps the seed-003 hot path needs (varints and length-delimited fields), on spans and
/// without allocating: every delivered message is read here, and the generator shares the machine with the server.
/// </summary>
public static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int Len = 2;
    public const int Fixed32 = 5;

    public static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    public static int WriteVarint(Span<byte> output, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            output[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        output[n++] = (byte)value;
        return n;
    }

    /// <summary>A field's tag: (number &lt;&lt; 3) | wire type, for field numbers below 16 one byte.</summary>
    public static byte Tag(int field, int wireType) => (byte)((field << 3) | wireType);

    public static bool TryReadVarint(ReadOnlySpan<byte> data, scoped ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) return false;
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }

    /// <summary>The next field's number and wire type; false at the end or on a malformed tag.</summary>
    public static bool TryReadTag(ReadOnlySpan<byte> data, scoped ref int pos, out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (pos >= data.Length || !TryReadVarint(data, ref pos, out var tag) || tag > int.MaxValue) return false;
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return field > 0;
    }

    public static bool TryReadBytes(ReadOnlySpan<byte> data, scoped ref int pos, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!TryReadVarint(data, ref pos, out var length) || length > (ulong)(data.Length - pos)) return false;
        bytes = data.Slice(pos, (int)length);
        pos += (int)length;
        return true;
    }

    /// <summary>Skips a field's value of <paramref name="wireType"/>; false on groups (unused by proto3) or truncation.</summary>
    public static bool TrySkip(ReadOnlySpan<byte> data, scoped ref int pos, int wireType)
    {
        switch (wireType)
        {
            case Varint:
                return TryReadVarint(data, ref pos, out _);
            case Fixed64:
                pos += 8;
                return pos <= data.Length;
            case Len:
                return TryReadBytes(data, ref pos, out _);
            case Fixed32:
                pos += 4;
                return pos <= data.Length;
            default:
                return false;
        }
    }

    /// <summary>The first length-delimited field <paramref name="number"/> of a message; false when absent or malformed.</summary>
    public static bool TryFindBytes(ReadOnlySpan<byte> message, int number, out ReadOnlySpan<byte> value)
    {
        value = default;
        var pos = 0;
        while (TryReadTag(message, ref pos, out var field, out var wire))
        {
            if (field == number && wire == Len) return TryReadBytes(message, ref pos, out value);
            if (!TrySkip(message, ref pos, wire)) return false;
        }
        return false;
    }
}
