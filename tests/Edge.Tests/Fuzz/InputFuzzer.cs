namespace AkkaChat.Edge.Tests.Fuzz;

using System.Text;

/// <summary>
/// Random and mutated inputs from a seeded RNG, so a failure reproduces from its seed: bit flips, truncation,
/// splicing, type swaps, deep nesting, huge numbers, invalid UTF-8, random bytes. Pure; the fuzz tests feed them to
/// the parsers in-process and, fewer of them, to a real node.
/// </summary>
public sealed class InputFuzzer(int seed)
{
    private static readonly string[] Swaps =
    [
        "\"10\"", "10", "-1", "0", "1.5", "1e308", "99999999999999999999", "9007199254740993", "null", "true", "[]", "{}",
        "[1,[2,[3]]]", "\"\"", "\" 012\"", "\"\\u0000\"", "\"\\ud800\"", "-0", "1E2",
    ];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    /// <summary>One input derived from one of <paramref name="valid"/>, or (sometimes) from nothing.</summary>
    public byte[] Next(IReadOnlyList<string> valid)
    {
        var bytes = Encoding.UTF8.GetBytes(valid[_random.Next(valid.Count)]);
        var rounds = 1 + _random.Next(3);
        for (var i = 0; i < rounds; i++) bytes = Mutate(bytes, valid);
        return bytes;
    }

    private byte[] Mutate(byte[] bytes, IReadOnlyList<string> valid)
    {
        switch (_random.Next(10))
        {
            case 0: // bit flips
                return ByteMutations.FlipBits(_random, bytes);
            case 1: // truncation
                return ByteMutations.Truncate(_random, bytes);
            case 2: // splice another input in at a random point
                return ByteMutations.Splice(_random, bytes, Encoding.UTF8.GetBytes(valid[_random.Next(valid.Count)]));
            case 3: // swap a value for one of another type
                return ReplaceValue(bytes, Swaps[_random.Next(Swaps.Length)]);
            case 4: // deep nesting in a value
                var depth = _random.Next(1, 200);
                var nested = _random.Next(2) == 0
                    ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)
                    : new string('[', depth) + new string(']', depth);
                return ReplaceValue(bytes, nested);
            case 5: // a huge number
                return ReplaceValue(bytes, new string('9', _random.Next(20, 400)));
            case 6: // invalid UTF-8 bytes inserted
                byte[][] invalid = [[0xFF], [0xC3, 0x28], [0xE2, 0x28, 0xA1], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]];
                var insertAt = _random.Next(bytes.Length + 1);
                return [.. bytes.AsSpan(0, insertAt), .. invalid[_random.Next(invalid.Length)], .. bytes.AsSpan(insertAt)];
            case 7: // duplicate a slice
                return ByteMutations.DuplicateSlice(_random, bytes);
            case 8: // random bytes
                return ByteMutations.Noise(_random);
            default: // a long string value
                return ReplaceValue(bytes, "\"" + new string('x', _random.Next(100, 8_000)) + "\"");
        }
    }

    /// <summary>Replaces the value after a random <c>:</c> (up to the next <c>,</c> or <c>}</c>) with <paramref name="value"/>.</summary>
    private byte[] ReplaceValue(byte[] bytes, string value)
    {
        var colons = new List<int>();
        for (var i = 0; i < bytes.Length; i++) if (bytes[i] == (byte)':') colons.Add(i);
        if (colons.Count == 0) return Encoding.UTF8.GetBytes(value);
        var colon = colons[_random.Next(colons.Count)];
        var end = colon + 1;
        while (end < bytes.Length && bytes[end] is not ((byte)',' or (byte)'}')) end++;
        return [.. bytes.AsSpan(0, colon + 1), .. Encoding.UTF8.GetBytes(value), .. bytes.AsSpan(end)];
    }

    /// <summary>The iteration count: <c>AKKACHAT_FUZZ_ITERATIONS</c> when set (scripts/bench.sh fuzz), else <paramref name="fallback"/>.</summary>
    public static int Iterations(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("AKKACHAT_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : fallback;

    /// <summary>The seed: <c>AKKACHAT_FUZZ_SEED</c> to replay a failure, else a fresh one (printed on failure).</summary>
    public static int NewSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("AKKACHAT_FUZZ_SEED"), out var s) ? s : Random.Shared.Next();
}
