namespace AkkaChat.Core.Tests.Chat;

using AkkaChat.Core.Chat;

public sealed class RecentWindowSpec
{
    [Fact]
    public void An_empty_window_holds_nothing()
    {
        var window = RecentWindow<int>.Empty(3);

        Assert.Empty(window);
        Assert.Equal(3, window.Capacity);
    }

    [Fact]
    public void Items_up_to_capacity_are_kept_oldest_first()
    {
        var window = RecentWindow<int>.Empty(3).Add(1).Add(2).Add(3);

        Assert.Equal(new[] { 1, 2, 3 }, window);
        Assert.Equal(3, window.Count);
    }

    [Fact]
    public void Adding_past_capacity_drops_the_oldest()
    {
        var window = RecentWindow<int>.Empty(3).AddRange(Enumerable.Range(1, 10));

        Assert.Equal(new[] { 8, 9, 10 }, window);
        Assert.Equal(3, window.Count);
        Assert.Equal(3, window.Capacity);
    }

    [Fact]
    public void AddRange_is_the_same_as_adding_one_at_a_time()
    {
        var one = RecentWindow<int>.Empty(4).Add(1).Add(2).Add(3).Add(4).Add(5);
        var range = RecentWindow<int>.Empty(4).AddRange([1, 2, 3, 4, 5]);

        Assert.Equal(one, range);
    }

    [Fact]
    public void Adding_leaves_the_original_window_unchanged()
    {
        var original = RecentWindow<string>.Empty(2).Add("a").Add("b");

        var next = original.Add("c");

        Assert.Equal(new[] { "a", "b" }, original);
        Assert.Equal(new[] { "b", "c" }, next);
    }

    [Fact]
    public void A_window_of_capacity_one_keeps_the_last_item()
    {
        Assert.Equal(new[] { "z" }, RecentWindow<string>.Empty(1).AddRange(["x", "y", "z"]));
    }
}
