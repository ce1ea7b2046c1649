namespace AkkaChat.Core.Tests.Entities;

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using AkkaChat.Core.Ids;
using Xunit.Abstractions;

/// <summary>
/// What <see cref="ChatEntity{TState}"/> does for every entity, on a toy ledger: outstanding commands re-sent after
/// recovery and on the retry tick until confirmed, waiters answered, passivation held by waiters, outstanding work and
/// <c>HoldsWork</c>, snapshots every N events with the older ones deleted. In-memory stores (the toy's events are not
/// chat events the serializer knows).
/// </summary>
public sealed class ChatEntityMachinerySpec(ITestOutputHelper output) : TestKit(SpecConfig, output: output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMilliseconds(200);

    private static readonly Config SpecConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    private static readonly ChatSettings Settings = new(MaxOwnedRooms: 1, EntityIdleTimeout: IdleAfter, SnapshotEvery: 3, IdBlockSize: 1, SpreadSnapshots: false);

    [Fact]
    public void An_outstanding_command_is_resent_on_the_retry_tick_until_the_state_stops_listing_it_and_its_waiters_are_answered()
    {
        var peers = CreateTestProbe();
        var ledger = StartLedger("ledger-retry", peers, Retry);
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        ledger.Tell(new Link(7), first.Ref);
        Assert.Equal(new ConfirmLink(new UserId(7)), peers.ExpectMsg<ConfirmLink>(Timeout));
        ledger.Tell(new Link(7), second.Ref);
        Assert.Equal(new ConfirmLink(new UserId(7)), peers.ExpectMsg<ConfirmLink>(Timeout)); // the retry tick
        first.ExpectNoMsg(TimeSpan.Zero);

        ledger.Tell(new Confirmed(new UserId(7)), peers.Ref);

        Assert.Equal("linked 7", first.ExpectMsg<string>(Timeout));
        Assert.Equal("linked 7", second.ExpectMsg<string>(Timeout));
        peers.ExpectNoMsg(Retry * 3);
        Assert.Equal(0, Query<int>(ledger, GetUnconfirmed.Instance));
    }

    [Fact]
    public void A_recovered_entity_sends_its_outstanding_commands_again()
    {
        var peers = CreateTestProbe();
        var ledger = StartLedger("ledger-recover", peers, TimeSpan.FromMinutes(10));
        ledger.Tell(new Link(8), ActorRefs.NoSender);
        peers.ExpectMsg<ConfirmLink>(Timeout);
        Stop(ledger);

        var recovered = StartLedger("ledger-recover", peers, TimeSpan.FromMinutes(10));

        Assert.Equal(new ConfirmLink(new UserId(8)), peers.ExpectMsg<ConfirmLink>(Timeout));
        recovered.Tell(new Confirmed(new UserId(8)), peers.Ref);
        Assert.Equal(0, Query<int>(recovered, GetUnconfirmed.Instance));
    }

    [Fact]
    public void An_idle_entity_passivates_once_nothing_holds_it()
    {
        var reports = CreateTestProbe();
        StartHosted("ledger-idle", CreateTestProbe(), reports);

        reports.ExpectMsg<Passivate>(Timeout);
    }

    [Fact]
    public void Its_own_fast_ticks_are_not_traffic_but_anything_else_is()
    {
        var reports = CreateTestProbe();
        var ledger = Sys.ActorOf(Props.Create(() => new Host(
            Props.Create(() => new Ledger("ledger-ticks", new PeerTopology(ActorRefs.Nobody), Settings, Retry, TimeSpan.FromMilliseconds(20))), reports.Ref)));

        var busyUntil = DateTime.UtcNow + (IdleAfter * 3);
        while (DateTime.UtcNow < busyUntil)
        {
            ledger.Tell(GetTotal.Instance);
            reports.ExpectNoMsg(IdleAfter / 6);
        }

        reports.ExpectMsg<Passivate>(Timeout);
    }

    [Fact]
    public void A_waiter_keeps_the_entity_up_until_it_is_answered()
    {
        var reports = CreateTestProbe();
        var ledger = StartHosted("ledger-waiter", CreateTestProbe(), reports);
        var waiter = CreateTestProbe();

        ledger.Tell(new WaitFor("k"), waiter.Ref);
        reports.ExpectNoMsg(IdleAfter * 4);
        ledger.Tell(new Release("k"));

        Assert.Equal("released k", waiter.ExpectMsg<string>(Timeout));
        reports.ExpectMsg<Passivate>(Timeout);
    }

    [Fact]
    public void Outstanding_work_keeps_the_entity_up_until_it_is_confirmed()
    {
        var peers = CreateTestProbe();
        var reports = CreateTestProbe();
        var ledger = StartHosted("ledger-outstanding", peers, reports);

        ledger.Tell(new Link(9), ActorRefs.NoSender);
        peers.ExpectMsg<ConfirmLink>(Timeout);
        reports.ExpectNoMsg(IdleAfter * 4);
        ledger.Tell(new Confirmed(new UserId(9)));

        reports.ExpectMsg<Passivate>(Timeout);
    }

    [Fact]
    public void Held_work_keeps_the_entity_up_until_it_is_let_go()
    {
        var reports = CreateTestProbe();
        var ledger = StartHosted("ledger-holds", CreateTestProbe(), reports);

        ledger.Tell(new Hold(true));
        reports.ExpectNoMsg(IdleAfter * 4);
        ledger.Tell(new Hold(false));

        reports.ExpectMsg<Passivate>(Timeout);
    }

    [Fact]
    public void Every_nth_event_is_followed_by_a_snapshot_older_ones_are_deleted_and_recovery_starts_from_it()
    {
        var ledger = StartLedger("ledger-snapshots", CreateTestProbe(), Retry);
        var expected = 0;
        for (var n = 1; n <= 5; n++) Assert.Equal(expected += n, Query<int>(ledger, new Add(n)));
        Assert.Equal(expected += 12, Query<int>(ledger, new AddTwice(6))); // events 6 and 7: one write, one reply

        AwaitAssert(() =>
        {
            var latest = LoadSnapshot("ledger-snapshots", SnapshotSelectionCriteria.Latest);
            Assert.Equal(6, latest?.Metadata.SequenceNr);
            Assert.Equal(1 + 2 + 3 + 4 + 5 + 6, ((LedgerSnapshot)latest!.Snapshot).Total);
            Assert.Null(LoadSnapshot("ledger-snapshots", new SnapshotSelectionCriteria(5)));
        }, Timeout);
        Stop(ledger);

        Assert.Equal(expected, Query<int>(StartLedger("ledger-snapshots", CreateTestProbe(), Retry), GetTotal.Instance));
    }

    [Fact]
    public void A_refusal_is_answered_at_once_and_stores_nothing()
    {
        var ledger = StartLedger("ledger-refuse", CreateTestProbe(), Retry);

        Assert.Equal(new Refused(RefusalCodes.Refused, "nothing to add"), Query<Refused>(ledger, new Add(0)));
        Assert.Equal(0, Query<int>(ledger, GetTotal.Instance));
    }

    private IActorRef StartLedger(string id, Akka.TestKit.TestProbe peers, TimeSpan retry) =>
        Sys.ActorOf(Props.Create(() => new Ledger(id, new PeerTopology(peers.Ref), Settings, retry)));

    /// <summary>A ledger under a parent that reports the ledger's <see cref="Passivate"/> requests to <paramref name="reports"/>.</summary>
    private IActorRef StartHosted(string id, Akka.TestKit.TestProbe peers, Akka.TestKit.TestProbe reports)
    {
        var topology = new PeerTopology(peers.Ref);
        return Sys.ActorOf(Props.Create(() => new Host(Props.Create(() => new Ledger(id, topology, Settings, Retry)), reports.Ref)));
    }

    private T Query<T>(IActorRef target, object message)
    {
        var probe = CreateTestProbe();
        target.Tell(message, probe.Ref);
        return probe.ExpectMsg<T>(Timeout);
    }

    private void Stop(IActorRef entity)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(entity);
        entity.Tell(PoisonPill.Instance);
        watcher.ExpectTerminated(entity, Timeout);
    }

    private SelectedSnapshot? LoadSnapshot(string persistenceId, SnapshotSelectionCriteria criteria) =>
        Query<LoadSnapshotResult>(Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(""), new LoadSnapshot(persistenceId, criteria, long.MaxValue)).Snapshot;

    private sealed record Add(int N);

    private sealed record AddTwice(int N);

    private sealed record Link(long Peer);

    private sealed record ConfirmLink(UserId UserId) : IWithUserId;

    private sealed record Confirmed(UserId UserId);

    private sealed record WaitFor(string Key);

    private sealed record Release(string Key);

    private sealed record Hold(bool On);

    private sealed class GetTotal
    {
        public static readonly GetTotal Instance = new();
    }

    private sealed class GetUnconfirmed
    {
        public static readonly GetUnconfirmed Instance = new();
    }

    private sealed class Tick : IEntityTick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Added(int N) : IChatEvent;

    private sealed record LinkStarted(long Peer) : IChatEvent;

    private sealed record LinkConfirmed(long Peer) : IChatEvent;

    private sealed record LedgerSnapshot(int Total, long[] Unconfirmed) : IChatEvent;

    /// <summary>A total and the peers that have not yet confirmed their link; pure, like every entity state.</summary>
    private sealed record LedgerState(int Total, ImmutableSortedSet<long> Unconfirmed) : IEntityState<LedgerState>
    {
        public static readonly LedgerState Empty = new(0, []);

        public IEnumerable<object> Outstanding => Unconfirmed.Select(peer => (object)new ConfirmLink(new UserId(peer)));

        public Decision Decide(Add c) => c.N == 0 ? Decision.Refuse(RefusalCodes.Refused, "nothing to add") : Decision.Store(new Added(c.N), Total + c.N);

        public Decision Decide(AddTwice c) => Decision.Store([new Added(c.N), new Added(c.N)], Total + (2 * c.N));

        public Decision Decide(Link c) => Unconfirmed.Contains(c.Peer)
            ? Decision.Ignore.Await(c.Peer)
            : Decision.Store(new LinkStarted(c.Peer)).Await(c.Peer).Send(new ConfirmLink(new UserId(c.Peer)));

        public Decision Decide(Confirmed c) => Unconfirmed.Contains(c.UserId.Value)
            ? Decision.Store(new LinkConfirmed(c.UserId.Value)).Answer(c.UserId.Value, $"linked {c.UserId}")
            : Decision.Ignore.Answer(c.UserId.Value, $"linked {c.UserId}");

        public LedgerState Apply(IChatEvent e) => e switch
        {
            Added a => this with { Total = Total + a.N },
            LinkStarted s => this with { Unconfirmed = Unconfirmed.Add(s.Peer) },
            LinkConfirmed c => this with { Unconfirmed = Unconfirmed.Remove(c.Peer) },
            LedgerSnapshot s => new LedgerState(s.Total, [.. s.Unconfirmed]),
            _ => this,
        };

        public IChatEvent? ToSnapshot() => new LedgerSnapshot(Total, [.. Unconfirmed]);
    }

    private sealed class Ledger : ChatEntity<LedgerState>
    {
        private readonly TimeSpan _retry;
        private bool _holding;

        private readonly TimeSpan? _tickEvery;

        public Ledger(string id, IChatTopology topology, ChatSettings settings, TimeSpan retry)
            : this(id, topology, settings, retry, null)
        {
        }

        /// <param name="tickEvery">If set, the ledger ticks itself this often (ticks that must not count as traffic).</param>
        public Ledger(string id, IChatTopology topology, ChatSettings settings, TimeSpan retry, TimeSpan? tickEvery)
            : base(id, LedgerState.Empty, topology, settings)
        {
            _retry = retry;
            _tickEvery = tickEvery;
            Command<Add>(c => Execute(State.Decide(c), Sender));
            Command<AddTwice>(c => Execute(State.Decide(c), Sender));
            Command<Link>(c => Execute(State.Decide(c), Sender));
            Command<Confirmed>(c => Execute(State.Decide(c), Sender));
            Command<WaitFor>(c => Execute(Decision.Ignore.Await(c.Key), Sender));
            Command<Release>(c => Execute(Decision.Ignore.Answer(c.Key, $"released {c.Key}"), Sender));
            Command<Hold>(c => _holding = c.On);
            Command<GetTotal>(_ => Sender.Tell(State.Total));
            Command<GetUnconfirmed>(_ => Sender.Tell(State.Unconfirmed.Count));
            Command<Tick>(_ => { });
        }

        protected override void PreStart()
        {
            base.PreStart();
            if (_tickEvery is { } every) StartTicking(Tick.Instance, every);
        }

        protected override bool HoldsWork => _holding;

        protected override TimeSpan RetryInterval => _retry;
    }

    private sealed class Host : ReceiveActor
    {
        public Host(Props entity, IActorRef reports)
        {
            var child = Context.ActorOf(entity, "entity");
            Receive<Passivate>(p => reports.Tell(p));
            ReceiveAny(m => child.Forward(m));
        }
    }

    private sealed class PeerTopology(IActorRef peers) : IChatTopology
    {
        public IActorRef Users => peers;

        public IActorRef Rooms => ActorRefs.Nobody;

        public IActorRef Accounts => ActorRefs.Nobody;

        public IActorRef UserIds => ActorRefs.Nobody;

        public IActorRef RoomIds => ActorRefs.Nobody;

        public IReadOnlyList<NodeFanout> NodeFanouts => [];
    }
}
