namespace AkkaChat.Core.Chat;

using System.Collections.Immutable;

/// <summary>
/// A recall as a device that already holds the message must learn of it: the message's sequence number and id, and the
/// stream's head when the recall was stored. A device that synced through a cursor at or below that head may have been
/// away when it happened; one whose cursor is above it read the message as a recalled slot.
/// </summary>
public sealed record RecallNote(long Seq, long MessageId, long Head)
{
    /// <summary>How many recent recalls a stream keeps notes of; a device away for more recalls than this misses the older notices.</summary>
    public const int Kept = 256;

    /// <summary><paramref name="notes"/> with <paramref name="note"/> last, the oldest dropped beyond <see cref="Kept"/>.</summary>
    public static ImmutableList<RecallNote> Append(ImmutableList<RecallNote> notes, RecallNote note) =>
        (notes.Count < Kept ? notes : notes.RemoveAt(0)).Add(note);

    /// <summary>The recalls a device whose cursor is <paramref name="cursor"/> may have missed: of messages it holds, stored after it could have read past them.</summary>
    public static IReadOnlyList<RecallNote> MissedBy(IEnumerable<RecallNote> notes, long cursor) =>
        [.. notes.Where(n => n.Seq <= cursor && n.Head >= cursor)];
}
