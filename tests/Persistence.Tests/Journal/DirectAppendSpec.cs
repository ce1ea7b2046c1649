namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using AkkaChat.Core;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.SessionEvents;
using static AkkaChat.Core.Users.UserEvents;

/// <summary>
/// An entity that hands its events to AkkaChat's journal itself (<see cref="ChatSettings.DirectAppends"/>) keeps
/// <c>Persist</c>'s promises while it pipelines writes: each command is decided on the state after every earlier
/// decision, nothing is answered before it and everything decided before it are stored, commands are decided in the
/// order they arrive, the events are numbered on without gaps and survive a restart, snapshots carry the right
/// sequence number, and a failed or rejected write stops the entity with nothing of it, or of what was decided behind
/// it, stored.
/// </summary>
public abstract class DirectAppendSpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    [Fact]
    public void Commands_that_arrive_while_a_write_is_in_flight_are_decided_meanwhile_and_answered_once_stored()
    {
        var tally = StartTally("burst");

        for (var i = 1; i <= 200; i++) tally.Tell(new Add(i), TestActor);

        for (var i = 1; i <= 200; i++)
        {
            ExpectMsg(new Counted(i, i), Timeout);
            Assert.True(Store.SequenceNrs("burst").LastOrDefault() >= i, $"Add({i}) was answered before it was stored");
        }
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), Store.SequenceNrs("burst"));
        tally.Tell(Report.Instance, TestActor);
        Assert.True(ExpectMsg<Reported>(Timeout).Pipelined > 0, "no Add was decided while a write was in flight");
        Restart(tally);
        StartTally("burst").Tell(new Add(201), TestActor);
        ExpectMsg(new Counted(201, 201), Timeout);
    }

    [Fact]
    public void A_command_that_is_not_pipelined_waits_for_every_write_and_so_does_everything_after_it()
    {
        var tally = StartTally("ordered");

        for (var i = 1; i <= 50; i++) tally.Tell(new Add(i), TestActor);
        tally.Tell(Report.Instance, TestActor); // stashed while writes are in flight
        for (var i = 51; i <= 100; i++) tally.Tell(new Add(i), TestActor); // decided after it, though pipelined

        for (var i = 1; i <= 50; i++) ExpectMsg(new Counted(i, i), Timeout);
        var report = ExpectMsg<Reported>(Timeout);
        Assert.Equal((50, 50), (report.Count, report.Last));
        for (var i = 51; i <= 100; i++) ExpectMsg(new Counted(i, i), Timeout);
    }

    [Fact]
    public void A_pipelined_decision_that_stores_nothing_is_answered_after_the_writes_decided_before_it()
    {
        var tally = StartTally("peek");

        for (var i = 1; i <= 100; i++)
        {
            tally.Tell(new Add(i), TestActor);
            tally.Tell(Peek.Instance, TestActor);
        }

        for (var i = 1; i <= 100; i++)
        {
            ExpectMsg(new Counted(i, i), Timeout);
            ExpectMsg(new Peeked(i), Timeout);
        }
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
    public void An_entity_asked_to_stop_pipelines_nothing_more_and_stops_once_its_writes_are_stored()
    {
        var tally = StartTally("stopping", writesOnStop: true);
        var watcher = CreateTestProbe();
        watcher.Watch(tally);
        for (var i = 1; i <= 20; i++) tally.Tell(new Add(i), TestActor);
        tally.Tell(StopInOrder.Instance, TestActor); // its own write goes in flight (as a user stores its delivery cursor)

        // Steady traffic behind the stop: pipelined, each would join the next append and the entity would never stop.
        for (var i = 21; i <= 5_000; i++) tally.Tell(new Add(i), TestActor);

        watcher.ExpectTerminated(tally, Timeout);
        var stored = Store.SequenceNrs("stopping");
        Assert.True(stored.Count >= 21, "the writes decided before the stop, and the stop's own, are stored");
        Assert.True(stored.Count < 2_500, $"the entity stopped only after deciding {stored.Count} of 5,000 commands");
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
    public void An_event_that_cannot_be_stored_stops_the_entity_which_recovers_without_it()
    {
        var tally = StartTally("rejected");
        Watch(tally);

        tally.Tell(new AddUnstorable(), TestActor);
        tally.Tell(new Add(5), TestActor); // decided on the unstorable event's state: dropped with it

        ExpectTerminated(tally, Timeout);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Empty(Store.SequenceNrs("rejected"));
        StartTally("rejected").Tell(new Add(6), TestActor);
        ExpectMsg(new Counted(1, 6), Timeout);
        Assert.Equal(new long[] { 1 }, Store.SequenceNrs("rejected"));
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
        second.Tell(new Add(3), TestActor); // decided behind the failing write, on its state: dropped with it

        ExpectTerminated(second, Timeout);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(new long[] { 1 }, Store.SequenceNrs("failing"));
        first.Tell(new Add(4), TestActor);
        ExpectMsg(new Counted(2, 4), Timeout);
    }

    private IActorRef StartTally(string persistenceId, int snapshotEvery = 1_000_000, bool writesOnStop = false)
    {
        var settings = ChatSettings.Default with { DirectAppends = true, SnapshotEvery = snapshotEvery, SpreadSnapshots = false };
        var tally = Sys.ActorOf(Props.Create(() => new TallyEntity(persistenceId, settings, writesOnStop)));
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
        private readonly bool _writesOnStop;
        private long _snapshotSaved;
        private int _pipelined;

        public TallyEntity(string persistenceId, ChatSettings settings, bool writesOnStop)
            : base(persistenceId, new Tally(0, 0), settings)
        {
            _writesOnStop = writesOnStop;
            Command<Add>(add =>
            {
                if (WriteInFlight) _pipelined++;
                Execute(State.Add(add.Value), Sender);
            });
            Command<Peek>(_ => Execute(Decision.Reply(new Peeked(State.Count)), Sender));
            Command<AddTwice>(add =>
            {
                Execute(State.Add(add.First), Sender);
                Execute(State.Add(add.Second), Sender); // decided on the state the first one leaves
            });
            Command<AddUnstorable>(_ => Execute(Decision.Store(new UnstorableChatEvent(), new Counted(-1, -1)), Sender));
            Command<Report>(_ => Sender.Tell(new Reported(State.Count, State.Last, _snapshotSaved, _pipelined)));
            Command<StopInOrderTally>(_ => Context.Stop(Self));
        }

        protected override bool Pipelines(object command) => command is Add or Peek;

        protected override void BeforeStop()
        {
            if (_writesOnStop) Execute(State.Add(0), ActorRefs.Nobody);
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

        public Decision Add(long value) => Decision.Store(new InboxDelivered(value), new Counted(Count + 1, value));

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

    private sealed record Reported(long Count, long Last, long SnapshotSaved, int Pipelined = 0);

    private sealed class Peek
    {
        public static readonly Peek Instance = new();
    }

    private sealed record Peeked(long Count);

    public sealed class Sqlite(ITestOutputHelper output) : DirectAppendSpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : DirectAppendSpec(new TempJournalDatabase(), output);
}

/// <summary>A chat event no serializer can store (bound to <see cref="RefusingSerializer"/>).</summary>
public sealed record UnstorableChatEvent : IChatEvent;
