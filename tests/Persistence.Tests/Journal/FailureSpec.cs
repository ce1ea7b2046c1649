namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Xunit.Abstractions;
using static AkkaChat.Persistence.Tests.Journal.EventLog;

/// <summary>
/// A write the database refuses fails the persist that made it, as Akka.Persistence defines a failure: the actor hears
/// why and stops, nothing of it is stored, and a write committed in the same group is unharmed.
/// </summary>
public abstract class FailureSpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    [Fact]
    public void A_sequence_number_already_stored_fails_the_persist_and_stops_the_actor()
    {
        // Two incarnations of one persistence id, both recovered empty: the second one's first event is a duplicate.
        var first = StartLog("twice");
        var second = StartLog("twice");
        Persist(first, 1, "stored");
        second.Monitor.Watch(second.Ref);

        second.Ref.Tell(new Append("duplicate"));

        var failed = second.Monitor.ExpectMsg<PersistFailed>(Timeout);
        Assert.Equal(("duplicate", 1L), (failed.Event, failed.SequenceNr));
        second.Monitor.ExpectTerminated(second.Ref, Timeout);
        Assert.Equal(new object[] { "stored" }, StartLog("twice").ReplayedEvents);
        Persist(first, 2, "after the failure");
    }

    public sealed class Sqlite(ITestOutputHelper output) : FailureSpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : FailureSpec(new TempJournalDatabase(), output);
}
