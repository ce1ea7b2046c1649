namespace AkkaChat.Core.Chat;

/// <summary>
/// The last <see cref="Capacity"/> client message ids seen on a stream, with what they were stored as.
/// A resend whose key is still in the window gets the stored message back instead of a second copy.
/// Immutable; rebuilt from the journal (the keys travel inside the stored messages).
/// </summary>
/// <remarks>
/// Built for the garbage collector as much as for lookups: every stored message adds a key, and whatever an add
/// allocates that the newest window still holds is promoted out of gen0. A balanced tree (ImmutableDictionary) copies
/// a path of about ten nodes per add, and the nodes of the current tree survive every gen0 collection; that was half of
/// all the bytes the node promoted per 1:1 message (docs/BENCHMARKS.md, issue #14's profile). Here an add is one list
/// node; every <see cref="ChunkSize"/> adds the list is sealed into a small read-only dictionary. A lookup scans the
/// unsealed list, then the sealed chunks newest first; positions decide what has left the window, so it holds exactly the
/// last <see cref="Capacity"/> keys.
/// </remarks>
public sealed class DedupeWindow<TKey, TValue> where TKey : notnull
{
    /// <summary>Keys sealed together into one read-only dictionary.</summary>
    private const int ChunkSize = 32;

    private static readonly IEqualityComparer<TKey> Keys = EqualityComparer<TKey>.Default;

    private readonly Chunk[] _sealed; // oldest first; the oldest may hold keys that have already left the window
    private readonly Node? _unsealed; // newest first, fewer than ChunkSize
    private readonly int _unsealedCount;
    private readonly long _added; // distinct adds so far: the next key's position

    private DedupeWindow(Chunk[] sealedChunks, Node? unsealed, int unsealedCount, long added, int capacity)
    {
        _sealed = sealedChunks;
        _unsealed = unsealed;
        _unsealedCount = unsealedCount;
        _added = added;
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => (int)Math.Min(_added, Capacity);

    public static DedupeWindow<TKey, TValue> Empty(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new([], null, 0, 0, capacity);
    }

    public bool TryGet(TKey key, out TValue value)
    {
        var oldest = _added - Capacity; // positions below this have left the window
        for (var node = _unsealed; node is not null && node.Position >= oldest; node = node.Next)
        {
            if (Keys.Equals(node.Key, key))
            {
                value = node.Value;
                return true;
            }
        }
        for (var i = _sealed.Length - 1; i >= 0 && _sealed[i].Last >= oldest; i--)
        {
            if (_sealed[i].Entries.TryGetValue(key, out var entry) && entry.Position >= oldest)
            {
                value = entry.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    public DedupeWindow<TKey, TValue> Add(TKey key, TValue value)
    {
        if (TryGet(key, out _)) return this;
        var unsealed = new Node(key, value, _added, _unsealed);
        return _unsealedCount + 1 < ChunkSize
            ? new DedupeWindow<TKey, TValue>(_sealed, unsealed, _unsealedCount + 1, _added + 1, Capacity)
            : new DedupeWindow<TKey, TValue>(Seal(unsealed), null, 0, _added + 1, Capacity);
    }

    /// <summary>The sealed chunks with <paramref name="newest"/>'s list as the newest, without the chunks wholly out of the window.</summary>
    private Chunk[] Seal(Node newest)
    {
        var entries = new Dictionary<TKey, (TValue Value, long Position)>(ChunkSize, Keys);
        for (var node = newest; node is not null; node = node.Next) entries.TryAdd(node.Key, (node.Value, node.Position)); // newest first: a key that left and came back keeps its newest position
        var oldest = _added + 1 - Capacity;
        var keep = _sealed.AsSpan();
        while (keep.Length > 0 && keep[0].Last < oldest) keep = keep[1..];
        var chunks = new Chunk[keep.Length + 1];
        keep.CopyTo(chunks);
        chunks[^1] = new Chunk(entries, newest.Position);
        return chunks;
    }

    private sealed record Node(TKey Key, TValue Value, long Position, Node? Next);

    /// <summary>Sealed keys with their positions; <see cref="Last"/> is the newest position in it.</summary>
    private sealed record Chunk(Dictionary<TKey, (TValue Value, long Position)> Entries, long Last);
}
