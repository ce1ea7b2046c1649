namespace AkkaChat.Edge.Protocols;

using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using AkkaChat.Edge.Transport;

/// <summary>Why a frame was refused, and the client's reference to it (seed-000 <c>id</c>, v2 <c>cid</c>) when it had a readable one.</summary>
public sealed record FrameError(string Message, long ClientRef, string Cid);

/// <summary>
/// One JSON protocol's frame fields as <see cref="JsonFrames.Read{TFields}"/> fills them. A struct: the reader's loop is
/// compiled once per protocol, with no delegate or boxing on the decode path.
/// </summary>
public interface IJsonFrameFields
{
    /// <summary>Reads the value of field <paramref name="name"/> (the reader is on it); skips a field the protocol does not read.</summary>
    void Read(string? name, ref Utf8JsonReader reader);
}

/// <summary>
/// What the JSON protocols (seed-000 and v2) share: one frame is one JSON object read in place with a
/// <see cref="Utf8JsonReader"/>. Fields are type-checked and never coerced (docs/PROTOCOL.md §2): numbers are JSON
/// integers, text is JSON strings, <c>null</c> counts as absent — what the seed's browser client sends, and what its
/// Go server accepted. Each protocol names its own fields; this reads the object around them.
/// </summary>
public static class JsonFrames
{
    /// <summary>
    /// How deeply a frame may nest (the frame object is level 1). Clients may put structured data in fields the server
    /// does not read; the 64 KiB frame limit bounds the work of skipping it.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>Reads one frame into <paramref name="fields"/>; null when it is a valid frame, else the reason it is not.</summary>
    public static FrameError? Read<TFields>(ReadOnlySpan<byte> utf8, ref TFields fields)
        where TFields : struct, IJsonFrameFields
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        string? error;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new FrameError("a frame must be a JSON object", 0, "");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = FieldName(ref reader);
                reader.Read();
                fields.Read(name, ref reader);
            }
            if (reader.Read()) return new FrameError("a frame must be one JSON object, with nothing after it", 0, "");
            return null;
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
        return new FrameError(error, clientRef, clientId);
    }

    /// <summary>How many distinct field names <see cref="FieldName"/> keeps, and the longest it keeps (in UTF-8 bytes).</summary>
    private const int KeptNames = 256, KeptNameBytes = 32;

    private static readonly ConcurrentDictionary<string, string> s_names = new(StringComparer.Ordinal);
    private static int s_namesKept; // ConcurrentDictionary.Count takes every lock of the table

    /// <summary>
    /// The name of the field the reader is on, as one shared string per distinct name: <c>GetString</c> made a new
    /// string for every field of every frame, two fifths of the strings a v2 message allocated (docs/BENCHMARKS.md,
    /// issue 14). The first <see cref="KeptNames"/> names seen are kept; a name past that, a long one or an escaped
    /// one is read as before, so a client sending made-up names costs at most a small fixed table. Invalid UTF-8 is
    /// left to <c>GetString</c>, which refuses it.
    /// </summary>
    private static string? FieldName(ref Utf8JsonReader reader)
    {
        var utf8 = reader.ValueSpan;
        if (reader.HasValueSequence || reader.ValueIsEscaped || utf8.Length > KeptNameBytes) return reader.GetString();
        Span<char> chars = stackalloc char[KeptNameBytes];
        if (System.Text.Unicode.Utf8.ToUtf16(utf8, chars, out _, out var length, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            return reader.GetString();
        }
        if (s_names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..length], out var kept)) return kept;
        var name = new string(chars[..length]);
        if (Volatile.Read(ref s_namesKept) < KeptNames && s_names.TryAdd(name, name)) Interlocked.Increment(ref s_namesKept);
        return name;
    }

    /// <summary>A writer kept per thread that buffers at most this many bytes; one that grew past it is let go.</summary>
    private const int KeptWriterBytes = 16 * 1024;

    [ThreadStatic]
    private static FrameWriter? t_writer;

    /// <summary>
    /// Writes one JSON object with <paramref name="fields"/> into a right-sized array. The buffer and the
    /// <see cref="Utf8JsonWriter"/> are the thread's, reused: every pushed or acknowledged message is one frame, and a
    /// fresh pair cost ~600 bytes of garbage per frame (docs/BENCHMARKS.md, issue 14). A write nested in
    /// <paramref name="fields"/> finds none kept and makes its own.
    /// </summary>
    public static byte[] Write(Action<Utf8JsonWriter> fields) => Write(fields, static (Utf8JsonWriter w, in Action<Utf8JsonWriter> f) => f(w));

    /// <summary>
    /// <see cref="Write(Action{Utf8JsonWriter})"/> for the frames of every message (<c>msg</c>, <c>ack</c>): a static
    /// <paramref name="fields"/> reads its values from <paramref name="values"/>, so no closure is made per frame.
    /// </summary>
    public static byte[] Write<TValues>(in TValues values, FrameFields<TValues> fields)
    {
        var frame = WriteObject(values, fields);
        var bytes = frame.Buffer.WrittenSpan.ToArray();
        Keep(frame);
        return bytes;
    }

    /// <summary>
    /// <see cref="Write{TValues}"/> into an array rented from <see cref="ArrayPool{T}.Shared"/>, for a frame one socket
    /// sends and nobody keeps (the 1:1 push and the ack of a stored message): the socket's session returns the array once
    /// the frame is written (<see cref="OutboundFrame"/>). Never for a frame that is shared, cached or sent twice.
    /// </summary>
    public static OutboundFrame WritePooled<TValues>(in TValues values, FrameFields<TValues> fields)
    {
        var frame = WriteObject(values, fields);
        var written = frame.Buffer.WrittenSpan;
        var rented = ArrayPool<byte>.Shared.Rent(written.Length);
        written.CopyTo(rented);
        var pooled = OutboundFrame.Pooled(rented, written.Length);
        Keep(frame);
        return pooled;
    }

    /// <summary>Writes one JSON object into the thread's writer (taken from the thread until <see cref="Keep"/>).</summary>
    private static FrameWriter WriteObject<TValues>(in TValues values, FrameFields<TValues> fields)
    {
        var frame = t_writer ?? new FrameWriter();
        t_writer = null;
        frame.Writer.WriteStartObject();
        fields(frame.Writer, values);
        frame.Writer.WriteEndObject();
        frame.Writer.Flush();
        return frame;
    }

    /// <summary>Hands a writer whose bytes were copied out back to the thread, unless it grew too large to keep.</summary>
    private static void Keep(FrameWriter frame)
    {
        if (frame.Buffer.Capacity > KeptWriterBytes) return;
        frame.Reset();
        t_writer = frame;
    }

    /// <summary>Writes a 64-bit id as a JSON string (ids exceed what JSON numbers keep exactly), without a string of it.</summary>
    public static void WriteId(Utf8JsonWriter w, string name, long id)
    {
        Span<byte> digits = stackalloc byte[20];
        id.TryFormat(digits, out var length, default, System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(name, digits[..length]);
    }

    public static bool? ReadBool(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => throw new FormatException($"{name} must be true or false, not {Describe(reader.TokenType)}"),
    };

    /// <summary>A whole JSON number (no fraction or exponent) that fits 64 bits; null for <c>null</c>. Strings are refused, never parsed.</summary>
    public static long? ReadLong(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var v) => v,
        JsonTokenType.Number => throw new FormatException($"{name} must be a whole number of at most 64 bits"),
        JsonTokenType.Null => null,
        _ => throw new FormatException($"{name} must be a number, not {Describe(reader.TokenType)}"),
    };

    public static int ReadInt(ref Utf8JsonReader reader, string? name) =>
        ReadLong(ref reader, name) is { } v ? v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new FormatException($"{name} must be a whole number of at most 32 bits") : 0;

    /// <summary>A JSON string; "" for <c>null</c>. Numbers and everything else are refused.</summary>
    public static string ReadString(ref Utf8JsonReader reader, string? name) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString() ?? "",
        JsonTokenType.Null => "",
        _ => throw new FormatException($"{name} must be a string, not {Describe(reader.TokenType)}"),
    };

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };

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
}

/// <summary>Writes a frame's fields from <paramref name="values"/> (<see cref="JsonFrames.Write{TValues}"/>).</summary>
public delegate void FrameFields<TValues>(Utf8JsonWriter writer, in TValues values);

/// <summary>A reusable buffer and JSON writer for <see cref="JsonFrames.Write{TValues}"/>.</summary>
internal sealed class FrameWriter
{
    public FrameWriter()
    {
        Writer = new Utf8JsonWriter(Buffer);
    }

    public ArrayBufferWriter<byte> Buffer { get; } = new(256);

    public Utf8JsonWriter Writer { get; }

    public void Reset()
    {
        Buffer.ResetWrittenCount();
        Writer.Reset(Buffer);
    }
}
