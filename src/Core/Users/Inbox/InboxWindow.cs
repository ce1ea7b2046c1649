namespace AkkaChat.Core.Users;

using System.Collections;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

/// <summary>
/// One inbox message as the user entity remembers it: who, when, which ids; never its body (the journal has it).
/// </summary>
/// <param name="Outgoing">This user sent it; <paramref name="Peer"/> is then the recipient, otherwise the sender.</param>
public readonly record struct InboxEntry(long Seq, long MessageId, UserId Peer, bool Outgoing, DateTimeOffset At, string Cid)
{
    public static InboxEntry Of(DirectMessage m, UserId self) =>
        m.SenderId == self
            ? new(m.Seq, m.MessageId, m.RecipientId, Outgoing: true, m.At, m.Cid)
            : new(m.Seq, m.MessageId, m.SenderId, Outgoing: false, m.At, m.Cid);

    /// <summary>The stored message again, with a body the caller still holds (a resend carries the one it sent).</summary>
    public DirectMessage ToMessage(UserId self, ChatPayload payload) =>
        Outgoing ? new(Seq, self, Peer, payload, At, MessageId, Cid) : new(Seq, Peer, self, payload, At, MessageId, Cid);
}

/// <summary>
/// The newest <see cref="Capacity"/> inbox messages of a user, oldest first, as <see cref="InboxEntry"/> values: what
/// answers a resend (the cid windows), a recall and an unread count. Immutable to its users.
/// </summary>
/// <remarks>
/// Built for the garbage collector: every stored message adds an entry, and whatever an add allocates that the newest
/// window still holds is promoted out of gen0, one message at a time (docs/BENCHMARKS.md, issue 14). Entries are structs
/// in chunks of <see cref="ChunkSize"/>; an add writes the next slot of the newest chunk in place, so it allocates only
/// the small window object that dies at the next add, and a chunk once a chunk fills. Versions share chunks safely: a
/// version reads only the slots below its own count, and a slot is written in place only by the version that has
/// every slot before it (<see cref="Chunk.Filled"/>); adding to an older version copies the chunk instead. A cid is
/// found by its hash in a chunk's <see cref="Chunk.Keys"/>, a vectorised scan of ints.
/// </remarks>
public sealed class InboxWindow : IReadOnlyCollection<InboxEntry>
{
    public const int ChunkSize = 64;

    private readonly Chunk[] _chunks; // oldest first; the first may hold entries that have left the window
    private readonly int _tailCount; // slots of the newest chunk this version sees
    private readonly int _skip; // entries of the chunks before the window's oldest

    private InboxWindow(Chunk[] chunks, int tailCount, int skip, int count, int capacity)
    {
        _chunks = chunks;
        _tailCount = tailCount;
        _skip = skip;
        Count = count;
        Capacity = capacity;
    }

    public int Count { get; }

    public int Capacity { get; }

    public static InboxWindow Empty(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new([], 0, 0, 0, capacity);
    }

    public static InboxWindow Of(IEnumerable<InboxEntry> entries, int capacity) =>
        entries.Aggregate(Empty(capacity), (window, entry) => window.Add(entry));

    public InboxWindow Add(InboxEntry entry)
    {
        var key = KeyOf(entry.Outgoing, entry.Peer, entry.Cid);
        Chunk[] chunks;
        if (_chunks.Length == 0 || _tailCount == ChunkSize)
        {
            // A new chunk; chunks whose entries have all left the window are dropped with the copy.
            var dropped = Count == Capacity ? (_skip + 1) / ChunkSize : 0;
            chunks = new Chunk[_chunks.Length - dropped + 1];
            Array.Copy(_chunks, dropped, chunks, 0, _chunks.Length - dropped);
            chunks[^1] = new Chunk();
            chunks[^1].Write(0, entry, key);
            return Next(chunks, tailCount: 1);
        }
        var tail = _chunks[^1];
        chunks = _chunks;
        if (tail.Filled != _tailCount)
        {
            // A newer version already wrote past this one's slots: this add branches, on a copy.
            tail = tail.CopyOf(_tailCount);
            chunks = (Chunk[])_chunks.Clone();
            chunks[^1] = tail;
        }
        tail.Write(_tailCount, entry, key);
        return Next(chunks, _tailCount + 1);
    }

    /// <summary>The entry of inbox sequence number <paramref name="seq"/>, if still in the window.</summary>
    public InboxEntry? BySeq(long seq)
    {
        if (Count == 0) return null;
        // Inbox sequence numbers are dense, so the entry sits at its distance from the oldest; the check keeps a window
        // with gaps (built by hand) correct.
        var index = seq - EntryAt(0).Seq;
        if (index >= 0 && index < Count && EntryAt((int)index) is var hit && hit.Seq == seq) return hit;
        foreach (var entry in this)
        {
            if (entry.Seq == seq) return entry;
        }
        return null;
    }

    /// <summary>This user's own send with client id <paramref name="cid"/>, if still in the window.</summary>
    public InboxEntry? SentWith(string cid) => cid.Length == 0 ? null : Find(outgoing: true, default, cid);

    /// <summary><paramref name="sender"/>'s message with client id <paramref name="cid"/>, if still in the window.</summary>
    public InboxEntry? ReceivedWith(UserId sender, string cid) => cid.Length == 0 ? null : Find(outgoing: false, sender, cid);

    /// <summary>The newest entry that <paramref name="match"/> accepts, if any.</summary>
    public InboxEntry? LastWhere(Func<InboxEntry, bool> match)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (EntryAt(i) is var entry && match(entry)) return entry;
        }
        return null;
    }

    public IEnumerator<InboxEntry> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return EntryAt(i);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int KeyOf(bool outgoing, UserId peer, string cid) =>
        cid.Length == 0 ? 0 : outgoing ? HashCode.Combine(cid) : HashCode.Combine(peer.Value, cid);

    private InboxWindow Next(Chunk[] chunks, int tailCount)
    {
        var count = Math.Min(Count + 1, Capacity);
        var held = (chunks.Length - 1) * ChunkSize + tailCount;
        return new InboxWindow(chunks, tailCount, held - count, count, Capacity);
    }

    private InboxEntry EntryAt(int index)
    {
        var slot = _skip + index;
        return _chunks[slot / ChunkSize].Entries[slot % ChunkSize];
    }

    private InboxEntry? Find(bool outgoing, UserId peer, string cid)
    {
        var key = KeyOf(outgoing, peer, cid);
        for (var c = _chunks.Length - 1; c >= 0; c--)
        {
            var from = Math.Max(0, _skip - c * ChunkSize); // slots below _skip have left the window
            var to = c == _chunks.Length - 1 ? _tailCount : ChunkSize;
            if (from >= to) break;
            var keys = _chunks[c].Keys.AsSpan(from, to - from);
            for (var i = keys.LastIndexOf(key); i >= 0; i = keys[..i].LastIndexOf(key))
            {
                var entry = _chunks[c].Entries[from + i];
                if (entry.Outgoing == outgoing && entry.Cid == cid && (outgoing || entry.Peer == peer)) return entry;
            }
        }
        return null;
    }

    private sealed class Chunk
    {
        public InboxEntry[] Entries { get; } = new InboxEntry[ChunkSize];

        public int[] Keys { get; } = new int[ChunkSize];

        /// <summary>Slots written so far, by whichever version wrote last: the one that may write the next in place.</summary>
        public int Filled { get; private set; }

        public void Write(int slot, InboxEntry entry, int key)
        {
            Entries[slot] = entry;
            Keys[slot] = key;
            Filled = slot + 1;
        }

        public Chunk CopyOf(int slots)
        {
            var copy = new Chunk();
            Array.Copy(Entries, copy.Entries, slots);
            Array.Copy(Keys, copy.Keys, slots);
            copy.Filled = slots;
            return copy;
        }
    }
}
