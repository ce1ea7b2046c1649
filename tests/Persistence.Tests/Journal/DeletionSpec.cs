namespace AkkaChat.Persistence.Tests.Journal;

using Xunit.Abstractions;

/// <summary>Deleted events no longer replay, but the journal never hands out their sequence numbers again.</summary>
public abstract class DeletionSpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    [Fact]
    public void After_deleting_a_prefix_recovery_replays_only_the_later_events()
    {
        var first = StartLog("prefix");
        Persist(first, 1, "one", "two", "three", "four", "five");
        DeleteTo(first, 3);
        first.Stop();

        var second = StartLog("prefix");

        Assert.Equal(new object[] { "four", "five" }, second.ReplayedEvents);
        Assert.Equal(new long[] { 4, 5 }, second.ReplayedSequenceNrs);
        Assert.Equal(5, second.LastSequenceNr);
        Persist(second, 6, "six");
    }

    [Fact]
    public void After_deleting_every_event_numbering_continues_from_the_highest_instead_of_restarting_at_one()
    {
        var first = StartLog("everything");
        Persist(first, 1, "one", "two", "three");
        DeleteTo(first, 3);
        first.Stop();

        var second = StartLog("everything");

        Assert.Empty(second.Replayed);
        Assert.Equal(3, second.LastSequenceNr);
        Persist(second, 4, "four");
        second.Stop();

        var third = StartLog("everything");
        Assert.Equal(new object[] { "four" }, third.ReplayedEvents);
        Assert.Equal(new long[] { 4 }, third.ReplayedSequenceNrs);
    }

    [Fact]
    public void Deleting_twice_keeps_only_the_events_after_the_second_deletion()
    {
        var first = StartLog("twice");
        Persist(first, 1, "one", "two", "three");
        DeleteTo(first, 2);
        Persist(first, 4, "four", "five");
        DeleteTo(first, 4);
        first.Stop();

        var second = StartLog("twice");

        Assert.Equal(new object[] { "five" }, second.ReplayedEvents);
        Assert.Equal(5, second.LastSequenceNr);
    }

    public sealed class Sqlite(ITestOutputHelper output) : DeletionSpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : DeletionSpec(new TempJournalDatabase(), output);
}
