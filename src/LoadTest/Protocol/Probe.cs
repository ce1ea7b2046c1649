namespace AkkaChat.LoadTest.Protocol;

using System.Buffers.Text;

/// <summary>
/// What the harness puts in a message's content: <c>lt1.{run}.{seq}.{sender}.{ticks}.</c> then padding, so the receiver
/// finds the message (seq), checks who sent it (sender socket) and measures latency (ticks: the scheduled send
/// time, <see cref="System.Diagnostics.Stopwatch"/> ticks of this process). Frames from other runs are told apart by run.
/// </summary>
public static class Probe
{
    private static ReadOnlySpan<byte> Magic => "lt1."u8;

    public static int Write(Span<byte> output, uint run, long seq, int sender, long ticks, int totalBytes)
    {
        Magic.CopyTo(output);
        var n = Magic.Length;
        n += Field(output[n..], run, "x8");
        n += Field(output[n..], seq);
        n += Field(output[n..], sender);
        n += Field(output[n..], ticks);
        for (; n < totalBytes; n++) output[n] = (byte)'x';
        return n;
    }

    public static bool TryRead(ReadOnlySpan<byte> content, uint run, out long seq, out int sender, out long ticks)
    {
        seq = 0;
        sender = 0;
        ticks = 0;
        if (!content.StartsWith(Magic)) return false;
        var rest = content[Magic.Length..];
        return Utf8Parser.TryParse(rest, out uint r, out var used, 'x') && r == run && Next(ref rest, used)
            && Utf8Parser.TryParse(rest, out seq, out used) && Next(ref rest, used)
            && Utf8Parser.TryParse(rest, out sender, out used) && Next(ref rest, used)
            && Utf8Parser.TryParse(rest, out ticks, out used) && Next(ref rest, used);
    }

    /// <summary>Whether <paramref name="content"/> is a probe at all (of any run).</summary>
    public static bool IsProbe(ReadOnlySpan<byte> content) => content.StartsWith(Magic);

    private static bool Next(ref ReadOnlySpan<byte> rest, int used)
    {
        if (used >= rest.Length || rest[used] != (byte)'.') return false;
        rest = rest[(used + 1)..];
        return true;
    }

    private static int Field(Span<byte> output, uint value, string format)
    {
        Utf8Formatter.TryFormat(value, output, out var written, new System.Buffers.StandardFormat(format[0], byte.Parse(format[1..], System.Globalization.CultureInfo.InvariantCulture)));
        output[written] = (byte)'.';
        return written + 1;
    }

    private static int Field(Span<byte> output, long value)
    {
        Utf8Formatter.TryFormat(value, output, out var written);
        output[written] = (byte)'.';
        return written + 1;
    }
}
