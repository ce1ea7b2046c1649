namespace AkkaChat.Edge.Protocols.Seed003;

using AkkaChat.Core.Ids;

/// <summary>
/// Seed-003 message ids (<c>MessageItem.id</c>, what <c>messageread</c> takes), per viewer and below 2^53: a 1:1
/// message's id is its seq in the viewer's inbox stream; a group message's is <c>room &lt;&lt; 30 | seq</c>. Rooms start at
/// 100, so every group id is at least 100·2^30 and every smaller positive id is an inbox seq (docs/PROTOCOL.md §4).
/// </summary>
public static class Seed003Ids
{
    public const int SeqBits = 30;

    /// <summary>Room ids at or above this cannot be numbered: <c>room &lt;&lt; 30</c> would reach 2^53.</summary>
    public const long RoomLimit = 1L << (53 - SeqBits);

    /// <summary>Room seqs at or above this cannot be numbered.</summary>
    public const long SeqLimit = 1L << SeqBits;

    /// <summary>The smallest room id; every group message id is at least <c>FirstRoom &lt;&lt; 30</c>.</summary>
    public const long FirstRoom = 100;

    /// <summary>The id of a room message; 0 when it cannot be numbered (room ≥ 2^23 or seq ≥ 2^30, or either below its range).</summary>
    public static long RoomMessage(RoomId room, long seq) =>
        room.Value is >= FirstRoom and < RoomLimit && seq is >= 1 and < SeqLimit ? room.Value << SeqBits | seq : 0;

    /// <summary>Whether <paramref name="id"/> names a room message (and which); false: an inbox seq when the id is positive.</summary>
    public static bool IsRoomMessage(long id, out RoomId room, out long seq)
    {
        var r = id >> SeqBits;
        var s = id & (SeqLimit - 1);
        if (id > 0 && r is >= FirstRoom and < RoomLimit && s >= 1)
        {
            room = new RoomId(r);
            seq = s;
            return true;
        }
        room = default;
        seq = 0;
        return false;
    }
}
