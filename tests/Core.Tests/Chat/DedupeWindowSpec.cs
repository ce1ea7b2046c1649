namespace AkkaChat.Core.Tests.Chat;

using AkkaChat.Core.Chat;

public sealed class DedupeWindowSpec
{
    [Fact]
    public void An_empty_window_finds_nothing()
    {
        var window = DedupeWindow<string, int>.Empty(3);

        Assert.False(window.TryGet("a", out _));
        Assert.Equal(0, window.Count);
        Assert.Equal(3, window.Capacity);
    }

    [Fact]
    public void A_key_added_is_found_with_its_value()
    {
        var window = DedupeWindow<string, int>.Empty(3).Add("a", 1).Add("b", 2);

        Assert.True(window.TryGet("a", out var a));
        Assert.Equal(1, a);
        Assert.True(window.TryGet("b", out var b));
        Assert.Equal(2, b);
        Assert.Equal(2, window.Count);
    }

    [Fact]
    public void Adding_a_key_already_in_the_window_keeps_the_first_value()
    {
        var window = DedupeWindow<string, int>.Empty(3).Add("a", 1);

        var again = window.Add("a", 2);

        Assert.Same(window, again);
        Assert.True(again.TryGet("a", out var value));
        Assert.Equal(1, value);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(100)]
    public void The_window_holds_exactly_the_last_capacity_keys(int capacity)
    {
        var window = DedupeWindow<int, int>.Empty(capacity);
        for (var i = 0; i < capacity * 3 + 7; i++) window = window.Add(i, -i);

        var last = capacity * 3 + 6;
        for (var i = 0; i <= last; i++)
        {
            var inWindow = i > last - capacity;
            Assert.Equal(inWindow, window.TryGet(i, out var value));
            if (inWindow) Assert.Equal(-i, value);
        }
        Assert.Equal(capacity, window.Count);
    }

    [Fact]
    public void Adding_leaves_the_original_window_unchanged()
    {
        var original = DedupeWindow<int, string>.Empty(40);
        for (var i = 0; i < 40; i++) original = original.Add(i, $"v{i}");

        var next = original;
        for (var i = 40; i < 100; i++) next = next.Add(i, $"v{i}");

        Assert.True(original.TryGet(0, out _));
        Assert.False(original.TryGet(40, out _));
        Assert.False(next.TryGet(0, out _));
        Assert.True(next.TryGet(99, out var newest));
        Assert.Equal("v99", newest);
    }

    [Fact]
    public void A_key_that_left_the_window_can_come_back_with_a_new_value()
    {
        var window = DedupeWindow<string, int>.Empty(2).Add("a", 1).Add("b", 2).Add("c", 3);
        Assert.False(window.TryGet("a", out _));

        window = window.Add("a", 4);

        Assert.True(window.TryGet("a", out var value));
        Assert.Equal(4, value);
        Assert.False(window.TryGet("b", out _));
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(64, 2)]
    [InlineData(1000, 3)]
    public void It_answers_like_a_queue_and_a_dictionary(int capacity, int seed)
    {
        var random = new Random(seed);
        var window = DedupeWindow<(long, string), int>.Empty(capacity);
        var order = new Queue<(long, string)>();
        var model = new Dictionary<(long, string), int>();
        for (var step = 0; step < 20_000; step++)
        {
            var key = ((long)random.Next(3), $"cid-{random.Next(capacity * 2)}");
            if (random.Next(4) == 0)
            {
                Assert.Equal(model.TryGetValue(key, out var expected), window.TryGet(key, out var actual));
                Assert.Equal(expected, model.ContainsKey(key) ? actual : 0);
                continue;
            }
            window = window.Add(key, step);
            if (model.TryAdd(key, step))
            {
                order.Enqueue(key);
                if (order.Count > capacity) model.Remove(order.Dequeue());
            }
            Assert.Equal(model.Count, window.Count);
        }
    }
}
