namespace AkkaChat.Persistence.Tests.Journal;

using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Persistence.Journal;
using Xunit.Abstractions;
using static AkkaChat.Persistence.Tests.Journal.EventLog;

/// <summary>
/// An event the journal cannot store is rejected on its own: the actor hears why, nothing of it is stored, and
/// the actor and its neighbours in the same batch carry on.
/// </summary>
public abstract class RejectionSpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    public static TheoryData<string> UnstorableKinds => ["refused by its serializer", "tagged"];

    [Theory]
    [MemberData(nameof(UnstorableKinds))]
    public void An_unstorable_event_is_rejected_stores_nothing_and_the_actor_keeps_persisting(string kind)
    {
        var (unstorable, expectedCause) = Unstorable(kind);
        var log = StartLog("rejected");

        log.Ref.Tell(new Append(unstorable));

        var rejected = log.Monitor.ExpectMsg<Rejected>(Timeout);
        Assert.Same(unstorable, rejected.Event);
        Assert.Equal(1, rejected.SequenceNr);
        Assert.IsType(expectedCause, rejected.Cause);
        Assert.Empty(Store.SequenceNrs("rejected"));

        Persist(log, 2, "after the rejection");
        Assert.Equal(new long[] { 2 }, Store.SequenceNrs("rejected"));
    }

    [Fact]
    public void Only_the_unstorable_event_of_a_batch_is_left_out()
    {
        var first = StartLog("mixed");
        var unstorable = new Unserializable("in the middle of a batch");

        first.Ref.Tell(new Append("before", unstorable, "after"));

        first.Monitor.ExpectMsg(new Stored("before", 1), Timeout);
        Assert.Same(unstorable, first.Monitor.ExpectMsg<Rejected>(Timeout).Event);
        first.Monitor.ExpectMsg(new Stored("after", 3), Timeout);
        first.Stop();

        var second = StartLog("mixed");
        Assert.Equal(new object[] { "before", "after" }, second.ReplayedEvents);
        Assert.Equal(new long[] { 1, 3 }, second.ReplayedSequenceNrs);
    }

    [Fact]
    public void PersistAll_with_one_unstorable_event_stores_none_of_them()
    {
        var log = StartLog("atomic");
        var unstorable = new Unserializable("part of an atomic write");

        log.Ref.Tell(new AppendAll("first", unstorable, "last"));

        Assert.Equal(new object[] { "first", unstorable, "last" }, log.Monitor.ReceiveN(3, Timeout).Cast<Rejected>().Select(r => r.Event));
        Assert.Empty(Store.SequenceNrs("atomic"));
        Persist(log, 4, "after the rejection");
    }

    private static (object Event, Type Cause) Unstorable(string kind) => kind switch
    {
        "refused by its serializer" => (new Unserializable("no serializer takes it"), typeof(SerializationException)),
        "tagged" => (new Tagged("a tagged event", ["tag"]), typeof(NotSupportedException)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public sealed class Sqlite(ITestOutputHelper output) : RejectionSpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : RejectionSpec(new TempJournalDatabase(), output);
}
