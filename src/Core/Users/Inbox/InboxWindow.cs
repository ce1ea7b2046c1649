namespace AkkaChat.Core.Users;

using System.Buffers;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
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
/// Built for the garbage collector: every stored message adds an entry, and the newest window keeps each one for a
/// thousand messages (docs/BENCHMARKS.md, issue 14, step 12). Entries live in chunks of <see cref="ChunkSize"/> slots
/// that hold no object references: the cid is copied into its slot (up to <see cref="InlineCidLength"/> ASCII
/// characters; a longer or non-ASCII one is kept as a string beside the chunk). So writing a slot marks no card for the
/// collector to scan, and a stored message leaves no object of its own behind: an add allocates only the small window
/// object that dies at the next add, and a chunk once a chunk fills.
/// Versions share chunks safely: a version reads only the slots below its own count, and a slot is written in place
/// only by the version that has every slot before it (<see cref="Chunk.Filled"/>); adding to an older version copies
/// the chunk instead. A cid is found by its hash in a chunk's <see cref="Chunk.Keys"/>, a vectorised scan of ints.
/// A chunk's arrays are allocated on the pinned object heap, which belongs to the oldest generation and is never
/// compacted: the window keeps every entry for a thousand messages, so on the ordinary heap each chunk survived a gen0
/// and a gen1 collection and was copied by both on its way to gen2 (with 2,000 busy users, most of what a gen1
/// collection copied; docs/BENCHMARKS.md, issue 14, step 14). They hold no references, so young collections never look
/// at them; a chunk that has left every window is freed by the next gen2 collection.
/// </remarks>
public sealed class InboxWindow : IReadOnlyCollection<InboxEntry>
{
    public const int ChunkSize = 64;

    /// <summary>The longest cid kept inside its slot; our clients' cids (a UUID and a short prefix) fit.</summary>
    public const int InlineCidLength = 40;

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
        var index = seq - SlotAt(0).Seq;
        if (index >= 0 && index < Count && SlotAt((int)index).Seq == seq) return EntryAt((int)index);
        for (var i = 0; i < Count; i++)
        {
            if (SlotAt(i).Seq == seq) return EntryAt(i);
        }
        return null;
    }

    /// <summary>This user's own send with client id <paramref name="cid"/>, if still in the window.</summary>
    public InboxEntry? SentWith(string cid) => cid.Length == 0 ? null : Find(outgoing: true, default, cid);

    /// <summary><paramref name="sender"/>'s message with client id <paramref name="cid"/>, if still in the window.</summary>
    public InboxEntry? ReceivedWith(UserId sender, string cid) => cid.Length == 0 ? null : Find(outgoing: false, sender, cid);

    /// <summary>
    /// The newest entry that <paramref name="match"/> accepts, if any. <paramref name="match"/> is shown each entry without
    /// its cid (empty), so that a scan makes no strings; the entry returned has it.
    /// </summary>
    public InboxEntry? LastWhere(Func<InboxEntry, bool> match)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (match(SlotAt(i).WithoutCid())) return EntryAt(i);
        }
        return null;
    }

    /// <summary>How many entries <paramref name="match"/> accepts; like <see cref="LastWhere"/>, it is shown them without cids.</summary>
    public int CountWhere(Func<InboxEntry, bool> match)
    {
        var count = 0;
        for (var i = 0; i < Count; i++)
        {
            if (match(SlotAt(i).WithoutCid())) count++;
        }
        return count;
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

    private ref readonly Slot SlotAt(int index)
    {
        var slot = _skip + index;
        return ref _chunks[slot / ChunkSize].Slots[slot % ChunkSize];
    }

    private InboxEntry EntryAt(int index)
    {
        var slot = _skip + index;
        return _chunks[slot / ChunkSize].EntryAt(slot % ChunkSize);
    }

    private InboxEntry? Find(bool outgoing, UserId peer, string cid)
    {
        var key = KeyOf(outgoing, peer, cid);
        for (var c = _chunks.Length - 1; c >= 0; c--)
        {
            var from = Math.Max(0, _skip - c * ChunkSize); // slots below _skip have left the window
            var to = c == _chunks.Length - 1 ? _tailCount : ChunkSize;
            if (from >= to) break;
            var chunk = _chunks[c];
            var keys = chunk.Keys.AsSpan(from, to - from);
            for (var i = keys.LastIndexOf(key); i >= 0; i = keys[..i].LastIndexOf(key))
            {
                ref readonly var slot = ref chunk.Slots[from + i];
                if (slot.Outgoing == outgoing && (outgoing || slot.Peer == peer) && chunk.CidEquals(from + i, cid)) return chunk.EntryAt(from + i);
            }
        }
        return null;
    }

    /// <summary>A cid's characters inside its slot, one byte each (ASCII).</summary>
    [InlineArray(InlineCidLength)]
    private struct InlineCid
    {
        private byte _first;
    }

    /// <summary>An <see cref="InboxEntry"/> as a chunk holds it: no object references.</summary>
    private struct Slot
    {
        public long Seq;
        public long MessageId;
        public UserId Peer;
        public long AtUtcTicks;
        public short AtOffsetMinutes;
        public bool Outgoing;

        /// <summary>The cid's length when it is inline, <see cref="Spilled"/> when it is a string beside the chunk.</summary>
        public byte CidLength;

        public InlineCid Cid;

        public const byte Spilled = byte.MaxValue;

        public readonly InboxEntry WithoutCid() => WithCid("");

        public readonly InboxEntry WithCid(string cid) =>
            new(Seq, MessageId, Peer, Outgoing, new DateTimeOffset(AtUtcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(AtOffsetMinutes)), cid);
    }

    private sealed class Chunk
    {
        public Slot[] Slots { get; } = GC.AllocateArray<Slot>(ChunkSize, pinned: true);

        public int[] Keys { get; } = GC.AllocateArray<int>(ChunkSize, pinned: true);

        /// <summary>The cids that do not fit a slot, by slot; made for the first of them.</summary>
        private string?[]? _spilled;

        /// <summary>Slots written so far, by whichever version wrote last: the one that may write the next in place.</summary>
        public int Filled { get; private set; }

        public void Write(int slot, InboxEntry entry, int key)
        {
            ref var s = ref Slots[slot];
            s.Seq = entry.Seq;
            s.MessageId = entry.MessageId;
            s.Peer = entry.Peer;
            s.AtUtcTicks = entry.At.UtcTicks;
            s.AtOffsetMinutes = (short)entry.At.TotalOffsetMinutes;
            s.Outgoing = entry.Outgoing;
            var cid = entry.Cid;
            if (cid.Length <= InlineCidLength && Ascii.FromUtf16(cid, s.Cid, out _) == OperationStatus.Done)
            {
                s.CidLength = (byte)cid.Length;
            }
            else
            {
                s.CidLength = Slot.Spilled;
                (_spilled ??= new string?[ChunkSize])[slot] = cid;
            }
            Keys[slot] = key;
            Filled = slot + 1;
        }

        public InboxEntry EntryAt(int slot)
        {
            ref readonly var s = ref Slots[slot];
            return s.WithCid(s.CidLength == Slot.Spilled ? _spilled![slot]! : s.CidLength == 0 ? "" : Encoding.ASCII.GetString(s.Cid[..s.CidLength]));
        }

        public bool CidEquals(int slot, string cid)
        {
            ref readonly var s = ref Slots[slot];
            return s.CidLength == Slot.Spilled ? _spilled![slot] == cid : s.CidLength == cid.Length && Ascii.Equals(s.Cid[..s.CidLength], cid);
        }

        public Chunk CopyOf(int slots)
        {
            var copy = new Chunk();
            Array.Copy(Slots, copy.Slots, slots);
            Array.Copy(Keys, copy.Keys, slots);
            if (_spilled is not null) copy._spilled = (string?[])_spilled.Clone();
            copy.Filled = slots;
            return copy;
        }
    }
}
