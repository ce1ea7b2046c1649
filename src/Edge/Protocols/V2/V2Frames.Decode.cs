namespace AkkaChat.Edge.Protocols.V2;

using System.Text.Json;
using AkkaChat.Core.Chat;
using AkkaChat.Edge.Protocols.Seed000;

/// <summary>
/// A v2 frame as a client sends it: <c>type</c> (send, sync, ping, …), <c>cid</c>, the seed-000 message fields for
/// <c>send</c>, <c>inbox</c> and <c>rooms</c> for <c>sync</c>, and the conversation fields. <see cref="Cmd"/> is null when absent.
/// </summary>
public sealed record V2Frame(string Type, string Cid, long ClientRef, long? Cmd, long DstId, ChatPayload Payload, long? Inbox, IReadOnlyDictionary<long, long>? Rooms)
{
    /// <summary>A conversation (<c>u{peer}</c>, <c>r{room}</c>) or a stream (<c>u{me}</c>, <c>r{room}</c>).</summary>
    public string Conv { get; init; } = "";
    public string Stream { get; init; } = "";
    public long? Seq { get; init; }
    public long? Before { get; init; }
    public long? Limit { get; init; }
    public long? Offset { get; init; }
    public bool? Pinned { get; init; }
    public bool? Muted { get; init; }
}

/// <summary>The v2 decoder (docs/PROTOCOL.md §3): the seed-000 fields and type rules, plus v2's own fields.</summary>
public static partial class V2Frames
{
    /// <summary>Decodes a text frame, or returns the reason it is not a valid v2 frame.</summary>
    public static (V2Frame? Frame, FrameError? Error) Decode(ReadOnlySpan<byte> utf8)
    {
        var f = new Fields();
        var error = JsonFrames.Read(utf8, ref f);
        if (error is not null) return (null, error);
        return (new V2Frame(f.Type, f.Cid, f.Message.Id, f.Message.Cmd, f.Message.DstId, f.Message.ToPayload(), f.Inbox, f.Rooms)
        {
            Conv = f.Conv,
            Stream = f.Stream,
            Seq = f.Seq,
            Before = f.Before,
            Limit = f.Limit,
            Offset = f.Offset,
            Pinned = f.Pinned,
            Muted = f.Muted,
        }, null);
    }

    private static Dictionary<long, long> ReadCursorMap(ref Utf8JsonReader reader, string? name)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new FormatException($"{name} must be an object of room id to sequence number, not {JsonFrames.Describe(reader.TokenType)}");
        var map = new Dictionary<long, long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (map.Count >= 10_000) throw new FormatException($"{name} has too many entries");
            var key = reader.GetString();
            if (!Http.RequestFields.IsCanonicalId(key, out var room)) throw new FormatException($"{name} keys must be room ids in plain digits, not \"{Shorten(key)}\"");
            reader.Read();
            map[room] = JsonFrames.ReadLong(ref reader, $"{name}[\"{room}\"]") ?? throw new FormatException($"{name}[\"{room}\"] must be a sequence number, not null");
        }
        return map;
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 20 ? text : text[..20] + "…";

    /// <summary>The v2 fields of a frame; the rest goes to the seed-000 message fields, which skip what they do not know.</summary>
    private struct Fields() : IJsonFrameFields
    {
        public Seed000Frames.MessageFields Message = new();
        public string Type = "";
        public string Cid = "";
        public long? Inbox;
        public Dictionary<long, long>? Rooms;
        public string Conv = "";
        public string Stream = "";
        public long? Seq;
        public long? Before;
        public long? Limit;
        public long? Offset;
        public bool? Pinned;
        public bool? Muted;

        public void Read(string? name, ref Utf8JsonReader reader)
        {
            switch (name)
            {
                case "type": Type = JsonFrames.ReadString(ref reader, name); break;
                case "cid": Cid = JsonFrames.ReadString(ref reader, name); break;
                case "inbox": Inbox = JsonFrames.ReadLong(ref reader, name); break;
                case "rooms": Rooms = ReadCursorMap(ref reader, name); break;
                case "conv": Conv = JsonFrames.ReadString(ref reader, name); break;
                case "stream": Stream = JsonFrames.ReadString(ref reader, name); break;
                case "seq": Seq = JsonFrames.ReadLong(ref reader, name); break;
                case "before": Before = JsonFrames.ReadLong(ref reader, name); break;
                case "limit": Limit = JsonFrames.ReadLong(ref reader, name); break;
                case "offset": Offset = JsonFrames.ReadLong(ref reader, name); break;
                case "pinned": Pinned = JsonFrames.ReadBool(ref reader, name); break;
                case "muted": Muted = JsonFrames.ReadBool(ref reader, name); break;
                default: Message.Read(name, ref reader); break; // the seed-000 message fields, or skipped
            }
        }
    }
}
