namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Xunit.Abstractions;
using static AkkaChat.Persistence.Tests.Journal.EventLog;

/// <summary>Deleted events no longer replay, but the journal never hands out their sequence numbers again.</summary>
public abstract class DeletionSpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    [Fact]
    public void After_deleting_a_prefix_recovery_replays_only_the_later_events()
    {
        var first = StartLog("prefix");
        Persist(first, 1, "one", "two", "three", "four", "five");
        first.Ref.Tell(new Delete(3));
        first.Monitor.ExpectMsg(new Deleted(3), Timeout);
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
        first.Ref.Tell(new Delete(3));
        first.Monitor.ExpectMsg(new Deleted(3), Timeout);
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
        first.Ref.Tell(new Delete(2));
        first.Monitor.ExpectMsg(new Deleted(2), Timeout);
        Persist(first, 4, "four", "five");
        first.Ref.Tell(new Delete(4));
        first.Monitor.ExpectMsg(new Deleted(4), Timeout);
        first.Stop();

        var second = StartLog("twice");

        Assert.Equal(new object[] { "five" }, second.ReplayedEvents);
        Assert.Equal(5, second.LastSequenceNr);
    }

    public sealed class Sqlite(ITestOutputHelper output) : DeletionSpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : DeletionSpec(new TempJournalDatabase(), output);
}
