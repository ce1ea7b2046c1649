namespace AkkaChat.Core.Chat;

using System.Collections;
using System.Collections.Immutable;

/// <summary>The newest <see cref="Capacity"/> items of a stream, oldest first; adding past capacity drops the oldest.</summary>
public sealed class RecentWindow<T> : IReadOnlyCollection<T>
{
    private readonly ImmutableQueue<T> _items;

    private RecentWindow(ImmutableQueue<T> items, int count, int capacity)
    {
        _items = items;
        Count = count;
        Capacity = capacity;
    }

    public int Count { get; }

    public int Capacity { get; }

    public static RecentWindow<T> Empty(int capacity) => new([], 0, capacity);

    public RecentWindow<T> AddRange(IEnumerable<T> items) => items.Aggregate(this, (window, item) => window.Add(item));

    public RecentWindow<T> Add(T item)
    {
        var items = _items.Enqueue(item);
        var count = Count + 1;
        while (count > Capacity)
        {
            items = items.Dequeue();
            count--;
        }
        return new RecentWindow<T>(items, count, Capacity);
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
