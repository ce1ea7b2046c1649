namespace AkkaChat.Edge.Tests.Fuzz;

/// <summary>
/// The byte-level mutations every fuzzer here uses, whatever the format (JSON frames in <see cref="InputFuzzer"/>,
/// protobuf inputs in <see cref="Seed003Fuzzer"/>); each draws from the caller's seeded RNG, so a failure still
/// reproduces from its seed.
/// </summary>
internal static class ByteMutations
{
    /// <summary>One to four bits flipped.</summary>
    public static byte[] FlipBits(Random random, byte[] bytes)
    {
        var flipped = (byte[])bytes.Clone();
        for (var i = 0; i < 1 + random.Next(4) && flipped.Length > 0; i++) flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
        return flipped;
    }

    /// <summary>Cut short at a random point.</summary>
    public static byte[] Truncate(Random random, byte[] bytes) => bytes.AsSpan(0, bytes.Length == 0 ? 0 : random.Next(bytes.Length)).ToArray();

    /// <summary>The tail of <paramref name="other"/> from a random point, in place of this input's from a random point.</summary>
    public static byte[] Splice(Random random, byte[] bytes, byte[] other)
    {
        var at = random.Next(bytes.Length + 1);
        var from = random.Next(other.Length + 1);
        return [.. bytes.AsSpan(0, at), .. other.AsSpan(from)];
    }

    /// <summary>Up to 63 random bytes, in place of the input.</summary>
    public static byte[] Noise(Random random)
    {
        var noise = new byte[random.Next(64)];
        random.NextBytes(noise);
        return noise;
    }

    /// <summary>A slice of up to 64 bytes repeated right after itself.</summary>
    public static byte[] DuplicateSlice(Random random, byte[] bytes)
    {
        if (bytes.Length == 0) return bytes;
        var start = random.Next(bytes.Length);
        var length = random.Next(Math.Min(64, bytes.Length - start) + 1);
        return [.. bytes.AsSpan(0, start + length), .. bytes.AsSpan(start)];
    }
}
