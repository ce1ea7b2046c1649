namespace AkkaChat.Core.Chat;

using System.Collections.Immutable;

/// <summary>
/// The last <see cref="Capacity"/> client message ids seen on a stream, with what they were stored as.
/// A resend whose key is still in the window gets the stored message back instead of a second copy.
/// Immutable; rebuilt from the journal (the keys travel inside the stored messages).
/// </summary>
public sealed class DedupeWindow<TKey, TValue> where TKey : notnull
{
    private readonly ImmutableQueue<TKey> _order;
    private readonly ImmutableDictionary<TKey, TValue> _entries;

    private DedupeWindow(ImmutableQueue<TKey> order, ImmutableDictionary<TKey, TValue> entries, int capacity)
    {
        _order = order;
        _entries = entries;
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _entries.Count;

    public static DedupeWindow<TKey, TValue> Empty(int capacity) => new([], ImmutableDictionary<TKey, TValue>.Empty, capacity);

    public bool TryGet(TKey key, out TValue value) => _entries.TryGetValue(key, out value!);

    public DedupeWindow<TKey, TValue> Add(TKey key, TValue value)
    {
        if (_entries.ContainsKey(key)) return this;
        var order = _order.Enqueue(key);
        var entries = _entries.Add(key, value);
        while (entries.Count > Capacity)
        {
            order = order.Dequeue(out var oldest);
            entries = entries.Remove(oldest);
        }
        return new DedupeWindow<TKey, TValue>(order, entries, Capacity);
    }
}
