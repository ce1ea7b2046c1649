namespace AkkaChat.Core.Tests.Entities;

/// <summary>A <see cref="Decision"/> is data: what it stores, whom it answers, what follows.</summary>
public sealed class DecisionSpec
{
    private sealed record Happened(int N) : IChatEvent;

    [Fact]
    public void A_refusal_stores_nothing_and_answers_with_its_code_and_reason()
    {
        var d = Decision.Refuse(RefusalCodes.NotFound, "room does not exist");

        Assert.True(d.IsRefusal);
        Assert.Empty(d.Events);
        Assert.Equal(new Refused("not-found", "room does not exist"), d.ReplyMessage);
    }

    [Fact]
    public void A_reply_stores_nothing_and_is_no_refusal()
    {
        var d = Decision.Reply("pong");

        Assert.False(d.IsRefusal);
        Assert.Empty(d.Events);
        Assert.Equal("pong", d.ReplyMessage);
    }

    [Fact]
    public void Store_keeps_its_events_in_order_with_the_reply()
    {
        Assert.Equal([new Happened(1)], Decision.Store(new Happened(1), "ok").Events);
        Assert.Equal([new Happened(1), new Happened(2)], Decision.Store([new Happened(1), new Happened(2)], "ok").Events);
        Assert.Equal([new Happened(3)], Decision.Store([new Happened(3)]).Events);
        Assert.Empty(Decision.Store([], "ok").Events);
        Assert.Equal("ok", Decision.Store(new Happened(1), "ok").ReplyMessage);
        Assert.Null(Decision.Store(new Happened(1)).ReplyMessage);
    }

    [Fact]
    public void Sends_awaits_and_answers_accumulate_on_the_decision()
    {
        var d = Decision.Store(new Happened(1)).Send("a").Send("b").Await(7).Answer(8, "eight");

        Assert.Equal(["a", "b"], d.Sends);
        Assert.Equal(7, d.AwaitKey);
        Assert.Equal([new KeyValuePair<object, object>(8, "eight")], d.Answers);
    }

    [Fact]
    public void Ignore_is_never_changed_by_what_is_added_to_it()
    {
        var d = Decision.Ignore.Send("a").Answer(1, "one");

        Assert.NotSame(Decision.Ignore, d);
        Assert.Equal(["a"], d.Sends);
        Assert.Empty(Decision.Ignore.Sends);
        Assert.Empty(Decision.Ignore.Answers);
        Assert.Null(Decision.Ignore.AwaitKey);
        Assert.Null(Decision.Ignore.ReplyMessage);
        Assert.Empty(Decision.Ignore.Events);
    }
}
