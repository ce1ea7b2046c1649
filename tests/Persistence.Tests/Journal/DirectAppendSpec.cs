namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using AkkaChat.Core;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.SessionEvents;
using static AkkaChat.Core.Users.UserEvents;

/// <summary>
/// An entity that hands its events to AkkaChat's journal itself (<see cref="ChatSettings.DirectAppends"/>) keeps
/// <c>Persist</c>'s promises: each command is decided on the state after every earlier write, the events are numbered
/// on without gaps and survive a restart, snapshots carry the right sequence number, an event that cannot be stored
/// is dropped alone, and a failed write stops the entity with nothing stored.
/// </summary>
public abstract class DirectAppendSpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    [Fact]
    public void Commands_that_arrive_while_a_write_is_in_flight_are_decided_after_it_in_order()
    {
        var tally = StartTally("burst");

        for (var i = 1; i <= 200; i++) tally.Tell(new Add(i), TestActor);

        for (var i = 1; i <= 200; i++) ExpectMsg(new Counted(i, i), Timeout);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), Store.SequenceNrs("burst"));
        Restart(tally);
        StartTally("burst").Tell(new Add(201), TestActor);
        ExpectMsg(new Counted(201, 201), Timeout);
    }

    [Fact]
    public void Two_writes_from_one_command_are_stored_in_order_and_each_answered()
    {
        var tally = StartTally("twice");

        tally.Tell(new AddTwice(7, 8), TestActor);
        tally.Tell(new Add(9), TestActor);

        ExpectMsg(new Counted(1, 7), Timeout);
        ExpectMsg(new Counted(2, 8), Timeout);
        ExpectMsg(new Counted(3, 9), Timeout);
        Assert.Equal(new long[] { 1, 2, 3 }, Store.SequenceNrs("twice"));
    }

    [Fact]
    public void Snapshots_are_taken_at_the_stored_sequence_number()
    {
        var tally = StartTally("snapshots", snapshotEvery: 4);
        for (var i = 1; i <= 10; i++) tally.Tell(new Add(i), TestActor);
        for (var i = 1; i <= 10; i++) ExpectMsg(new Counted(i, i), Timeout);
        AwaitAssert(() =>
        {
            tally.Tell(Report.Instance, TestActor);
            Assert.Equal(8, ExpectMsg<Reported>(Timeout).SnapshotSaved);
        }, Timeout);

        Restart(tally);
        var again = StartTally("snapshots", snapshotEvery: 4);
        again.Tell(Report.Instance, TestActor);
        // The snapshot at 8, then the events 9 and 10: a snapshot filed under another number would count some twice or never.
        Assert.Equal(new Reported(10, 10, 0), ExpectMsg<Reported>(Timeout));
    }

    [Fact]
    public void An_event_that_cannot_be_stored_is_dropped_unanswered_and_the_entity_goes_on()
    {
        var tally = StartTally("rejected");

        tally.Tell(new AddUnstorable(), TestActor);
        tally.Tell(new Add(5), TestActor);

        // The unstorable event's number stays used, as after a rejected persist.
        ExpectMsg(new Counted(1, 5), Timeout);
        Assert.Equal(new long[] { 2 }, Store.SequenceNrs("rejected"));
    }

    [Fact]
    public void A_failed_write_stops_the_entity_with_nothing_of_it_stored()
    {
        // Two incarnations of one persistence id, both recovered empty: the second one's first write is a duplicate.
        var first = StartTally("failing");
        var second = StartTally("failing");
        first.Tell(new Add(1), TestActor);
        ExpectMsg(new Counted(1, 1), Timeout);
        Watch(second);

        second.Tell(new Add(2), TestActor);
        second.Tell(new Add(3), TestActor); // stashed behind the failing write: never decided

        ExpectTerminated(second, Timeout);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(new long[] { 1 }, Store.SequenceNrs("failing"));
        first.Tell(new Add(4), TestActor);
        ExpectMsg(new Counted(2, 4), Timeout);
    }

    private IActorRef StartTally(string persistenceId, int snapshotEvery = 1_000_000)
    {
        var settings = ChatSettings.Default with { DirectAppends = true, SnapshotEvery = snapshotEvery, SpreadSnapshots = false };
        var tally = Sys.ActorOf(Props.Create(() => new TallyEntity(persistenceId, settings)));
        tally.Tell(Report.Instance, TestActor); // answered once recovered
        ExpectMsg<Reported>(Timeout);
        return tally;
    }

    private void Restart(IActorRef tally)
    {
        Watch(tally);
        tally.Tell(new StopInOrderTally(), TestActor);
        ExpectTerminated(tally, Timeout);
    }

    /// <summary>Stores one <see cref="InboxDelivered"/> per <see cref="Add"/> and answers with the count after it.</summary>
    private sealed class TallyEntity : ChatEntity<Tally>
    {
        private long _snapshotSaved;

        public TallyEntity(string persistenceId, ChatSettings settings)
            : base(persistenceId, new Tally(0, 0), settings)
        {
            Command<Add>(add => Execute(State.Add(add.Value), Sender));
            Command<AddTwice>(add =>
            {
                Execute(State.Add(add.First), Sender);
                Execute(State.Add(add.Second, alreadyCounted: 1), Sender);
            });
            Command<AddUnstorable>(_ => Execute(Decision.Store(new UnstorableChatEvent(), new Counted(-1, -1)), Sender));
            Command<Report>(_ => Sender.Tell(new Reported(State.Count, State.Last, _snapshotSaved)));
            Command<StopInOrderTally>(_ => Context.Stop(Self));
        }

        protected override bool AroundReceive(Receive receive, object message)
        {
            if (message is Akka.Persistence.SaveSnapshotSuccess success) _snapshotSaved = success.Metadata.SequenceNr;
            return base.AroundReceive(receive, message);
        }
    }

    private sealed record Tally(long Count, long Last) : IEntityState<Tally>
    {
        public IEnumerable<object> Outstanding => [];

        public Decision Add(long value, int alreadyCounted = 0) =>
            Decision.Store(new InboxDelivered(value), new Counted(Count + 1 + alreadyCounted, value));

        public Tally Apply(IChatEvent e) => e switch
        {
            InboxDelivered d => new Tally(Count + 1, d.UpTo),
            SessionsRevoked snapshot => new Tally(snapshot.Generation, snapshot.Generation),
            _ => this,
        };

        public IChatEvent? ToSnapshot() => new SessionsRevoked(Count);
    }

    private sealed record Add(long Value);

    private sealed record AddTwice(long First, long Second);

    private sealed record AddUnstorable;

    private sealed record StopInOrderTally;

    private sealed record Counted(long Count, long Value);

    private sealed class Report
    {
        public static readonly Report Instance = new();
    }

    private sealed record Reported(long Count, long Last, long SnapshotSaved);

    public sealed class Sqlite(ITestOutputHelper output) : DirectAppendSpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : DirectAppendSpec(new TempJournalDatabase(), output);
}

/// <summary>A chat event no serializer can store (bound to <see cref="RefusingSerializer"/>).</summary>
public sealed record UnstorableChatEvent : IChatEvent;
