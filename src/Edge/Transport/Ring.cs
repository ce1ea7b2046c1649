namespace AkkaChat.Edge.Transport;

/// <summary>
/// A growable ring buffer for per-socket queues, used under its owner's lock: it starts without an array, doubles when
/// full and lets a large array go once drained, so an idle socket holds at most <see cref="RetainedCapacity"/> slots.
/// <see cref="Count"/> may be read without the lock (a volatile read); everything else needs it.
/// </summary>
internal struct Ring<T>
{
    /// <summary>The first array; most sockets never hold more items than this at once.</summary>
    public const int InitialCapacity = 4;

    /// <summary>A drained ring keeps an array up to this size; a larger one (left by a burst) is released.</summary>
    public const int RetainedCapacity = 16;

    private T[]? _items;
    private int _head;
    private int _count;

    public readonly int Count => Volatile.Read(in _count);

    /// <summary>The length of the current array.</summary>
    public readonly int Capacity => _items?.Length ?? 0;

    public void AddLast(T item)
    {
        var items = _count == Capacity ? Grow() : _items!;
        items[(_head + _count) % items.Length] = item;
        Volatile.Write(ref _count, _count + 1);
    }

    public void AddFirst(T item)
    {
        var items = _count == Capacity ? Grow() : _items!;
        _head = (_head - 1 + items.Length) % items.Length;
        items[_head] = item;
        Volatile.Write(ref _count, _count + 1);
    }

    public bool TryTakeFirst(out T item)
    {
        if (_count == 0)
        {
            item = default!;
            return false;
        }
        var items = _items!;
        item = items[_head];
        items[_head] = default!;
        _head = (_head + 1) % items.Length;
        Volatile.Write(ref _count, _count - 1);
        if (_count == 0)
        {
            _head = 0;
            if (items.Length > RetainedCapacity) _items = new T[InitialCapacity];
        }
        return true;
    }

    private T[] Grow()
    {
        var larger = new T[Math.Max(InitialCapacity, Capacity * 2)];
        for (var i = 0; i < _count; i++) larger[i] = _items![(_head + i) % _items.Length];
        _items = larger;
        _head = 0;
        return larger;
    }
}
