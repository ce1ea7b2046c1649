namespace AkkaChat.Core;

using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;

/// <summary>
/// A sharded, event-sourced entity that interprets its state's <see cref="Decision"/>s: persist, apply, reply, send.
/// Everything every entity needs is here once: recovery from a snapshot and events, snapshots every
/// <see cref="ChatSettings.SnapshotEvery"/> events (older ones deleted), the waiters of sagas, the re-sending of the
/// state's <see cref="IEntityState{TState}.Outstanding"/> commands until they are confirmed, and the idle clock that
/// passivates the entity when nothing holds it.
/// </summary>
/// <remarks>
/// <para>
/// Stopping: shards stop an entity (at hand-off, and when it asks to passivate) with <see cref="StopInOrder"/>, never
/// with <c>PoisonPill</c>. A <c>PoisonPill</c> is handled the moment it reaches the actor, even while a persist is in
/// flight and commands wait in the persistence stash: those commands were lost (a 1:1 send caught in a shard's
/// hand-off). <see cref="StopInOrder"/> is a command, so it waits its turn behind them; an entity that still waits for
/// answers it owes (<see cref="FinishesBeforeStop"/>) stops once they are in.
/// </para>
/// <para>
/// Idle clock: why not Akka's <c>SetReceiveTimeout</c>: it reschedules a timer on every message (several allocations
/// per chat message, see docs/BENCHMARKS.md), and every timer tick the entity sends itself counts as traffic — a
/// periodic sweep would keep every entity alive forever. Here a tick (<see cref="IEntityTick"/>) is never
/// traffic. Ticks are scheduled with <see cref="StartTicking"/>, not <see cref="Timers"/>: a timer's message reaches
/// <see cref="AroundReceive"/> still wrapped, where it cannot be told apart from traffic.
/// </para>
/// <para>
/// Writes: with AkkaChat's own journal (<see cref="ChatSettings.DirectAppends"/>) a decision's events go to the journal as
/// one <see cref="JournalAppend"/> and the journal answers once they are committed; Akka.Persistence's <c>Persist</c>
/// costs a dozen objects per write (its state machine, callbacks, envelopes and two answers), about a quarter of a
/// node's allocation on the 1:1 path. Other journals (Akka.Persistence.Sql's, the in-memory one of actor tests) take
/// <c>Persist</c>, with its semantics: one write in flight, every command that arrives meanwhile stashed. Recovery and
/// snapshots take Akka's path either way.
/// </para>
/// <para>
/// Pipelined writes (direct appends only): a decision's events are applied to <see cref="State"/> when it is decided, so
/// the commands an entity names in <see cref="Pipelines"/> (the 1:1 path's, room sends) are decided while earlier
/// writes are in flight instead of waiting in the stash for each commit; everything decided meanwhile goes to the
/// journal as the next append, one write in flight at a time. What a decision makes visible (its reply, pushes, sends, answers to waiters,
/// a snapshot) still happens only once its events and every earlier decision's are stored, in the order decided: a
/// decision that stores nothing but was decided on events still in flight waits for them too. Any other command that
/// arrives while a write is in flight is stashed, and every command after it as well, so commands are still decided in
/// the order they arrived. A failed or rejected write stops the entity, dropping the decisions queued behind it
/// unanswered (they were decided on the failed events), and it recovers from what is stored.
/// </para>
/// <para>
/// Decisions in flight wait in a queue, answered in order, and one cached delegate handles every persisted event:
/// <see cref="Execute"/> allocates nothing beyond the write itself.
/// </para>
/// </remarks>
public abstract class ChatEntity<TState> : ReceivePersistentActor, IWithTimers
    where TState : IEntityState<TState>
{
    private const string RetryTimer = "outstanding";

    private readonly TimeSpan _idleAfter;
    private readonly List<ICancelable> _ticks = [];
    private readonly Dictionary<object, List<IActorRef>> _waiters = [];
    private readonly Queue<InFlight> _inFlight = new();
    private readonly Action<IChatEvent> _onPersisted;
    private long _lastTraffic = Environment.TickCount64;
    private int _appliedOfHead;
    private int _writing; // the first decisions in flight, whose events the journal is storing (direct appends); the rest wait for the next append
    private int _writingEvents; // the events of that append
    private int _pending; // events applied to State (direct appends) but not yet stored
    private bool _completing; // completing stored decisions: a decision made meanwhile waits for the next append
    private long _stored; // the highest sequence number stored by a direct append
    private int _snapshotPhase = -1;
    private bool _stopRequested;

    protected ChatEntity(string persistenceId, TState initial, IChatTopology topology, ChatSettings settings)
    {
        PersistenceId = persistenceId;
        State = initial;
        Topology = topology;
        Settings = settings;
        _idleAfter = settings.EntityIdleTimeout;
        _onPersisted = OnPersisted;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is IChatEvent snapshot) State = State.Apply(snapshot);
        });
        Recover<IChatEvent>(e => State = State.Apply(e));

        Command<CheckIdle>(_ => PassivateIfIdle());
        Command<StopInOrder>(_ => OnStopInOrder());
        Command<RetryOutstanding>(_ => SendOutstanding());
        Command<JournalAppended>(_ => OnAppended());
        Command<JournalAppendFailed>(OnAppendFailed);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    /// <summary>An entity that sends to no other entity (<see cref="Send"/> has nowhere to go).</summary>
    protected ChatEntity(string persistenceId, TState initial, ChatSettings settings)
        : this(persistenceId, initial, NoTopology.Instance, settings)
    {
    }

    public sealed override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    protected TState State { get; private set; }

    protected IChatTopology Topology { get; }

    protected ChatSettings Settings { get; }

    /// <summary>No traffic (anything but the entity's own ticks) for the idle timeout.</summary>
    protected bool IsIdle => Environment.TickCount64 - _lastTraffic >= (long)_idleAfter.TotalMilliseconds;

    /// <summary>Work the entity holds beyond waiters and outstanding commands (sockets, in-flight sends): keeps it from passivating.</summary>
    protected virtual bool HoldsWork => false;

    /// <summary>
    /// Work that must finish before the entity stops when its shard asks it to (answers still due to sockets); once a
    /// stop is asked, it is looked at after every message.
    /// </summary>
    protected virtual bool FinishesBeforeStop => false;

    /// <summary>How long after a send the outstanding commands are sent again.</summary>
    protected virtual TimeSpan RetryInterval => TimeSpan.FromSeconds(3);

    /// <summary>A direct append is in flight: a command handled now is pipelined (<see cref="Pipelines"/>).</summary>
    protected bool WriteInFlight => _writing > 0;

    /// <summary>The highest sequence number stored of this entity's events (what a journal read finds up to).</summary>
    protected long StoredSequenceNr => Math.Max(_stored, LastSequenceNr);

    /// <summary>
    /// Whether <paramref name="command"/> is decided while a write is in flight, on the state its events will leave
    /// (pipelined writes, direct appends only); other commands wait in the stash until every write is stored. Only for
    /// commands whose handlers reveal nothing of the state except through <see cref="Execute"/>.
    /// </summary>
    protected virtual bool Pipelines(object command) => false;

    /// <summary>Whether anyone waits under <paramref name="key"/>.</summary>
    protected bool IsAwaited(object key) => _waiters.ContainsKey(key);

    /// <summary>Whether anyone waits for an answer this entity owes once another entity confirms.</summary>
    protected bool HasWaiters => _waiters.Count > 0;

    /// <summary>Answers everyone who waits with <paramref name="reply"/> now, instead of when the other entity confirms.</summary>
    protected void AnswerAllWaiters(object reply)
    {
        foreach (var waiters in _waiters.Values)
        {
            foreach (var waiter in waiters) waiter.Tell(reply, Self);
        }
        _waiters.Clear();
    }

    /// <summary>
    /// Interprets <paramref name="decision"/>: a refusal or a bare reply is answered now, or, when it was decided on events
    /// still in flight, once they are stored; otherwise all its events are applied and persisted (one write, or with the
    /// next append), and once they are stored <paramref name="replyTo"/> is answered (or made to wait),
    /// waiters are answered, commands are sent, <paramref name="after"/> runs and a retry is scheduled if anything is
    /// still outstanding.
    /// </summary>
    protected void Execute(Decision decision, IActorRef replyTo, Action? after = null)
    {
        if (decision.EventCount == 0)
        {
            // Decided on events still in flight: answered once they are stored.
            if (_inFlight.Count > 0 && Settings.DirectAppends) _inFlight.Enqueue(new InFlight(decision, replyTo, after, 0, null));
            else
            {
                Complete(decision, replyTo);
                after?.Invoke();
            }
            return;
        }
        if (!Settings.DirectAppends)
        {
            _inFlight.Enqueue(new InFlight(decision, replyTo, after, Stopwatch.GetTimestamp(), null));
            if (decision.SingleEvent is { } single) Persist(single, _onPersisted);
            else PersistAll(decision.Events, _onPersisted);
            return;
        }
        var snapshot = decision.SingleEvent is { } one ? ApplyDecided(one, null) : ApplyDecided(decision.Events);
        _inFlight.Enqueue(new InFlight(decision, replyTo, after, Stopwatch.GetTimestamp(), snapshot));
        if (_writing == 0 && !_completing) AppendQueued(); // else it goes with the next append
    }

    /// <summary>Tells <paramref name="command"/> to the entity it names by its marker interface.</summary>
    protected void Send(object command)
    {
        var region = command switch
        {
            IWithUserId => Topology.Users,
            IWithRoomId => Topology.Rooms,
            IWithMobile => Topology.Accounts,
            _ => throw new ArgumentException($"{command.GetType().Name} names no entity an entity can send to", nameof(command)),
        };
        region.Tell(command, Self);
    }

    /// <summary>Sends <paramref name="tick"/> to this entity every <paramref name="period"/> until it stops.</summary>
    protected void StartTicking(IEntityTick tick, TimeSpan period) =>
        _ticks.Add(Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(period, period, Self, tick, Self));

    /// <summary>The shard asks the entity to stop: it does once nothing is left to finish (an entity that stashes may stash this too).</summary>
    protected virtual void OnStopInOrder()
    {
        if (!_stopRequested) BeforeStop();
        _stopRequested = true;
    }

    /// <summary>
    /// Runs once the entity is asked to stop, by its shard's hand-off or its own passivation (e.g. the user persists its
    /// delivery cursor); what it persists is written before the entity stops.
    /// </summary>
    protected virtual void BeforeStop()
    {
    }

    /// <summary>Runs after recovery, once the outstanding commands were sent again.</summary>
    protected virtual void OnRecovered()
    {
    }

    protected sealed override void OnReplaySuccess()
    {
        base.OnReplaySuccess();
        SendOutstanding();
        OnRecovered();
    }

    protected override void PreStart()
    {
        base.PreStart();
        StartTicking(CheckIdle.Instance, TimeSpan.FromTicks(Math.Max(_idleAfter.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks)));
    }

    protected override void PostStop()
    {
        foreach (var tick in _ticks) tick.Cancel();
        base.PostStop();
    }

    /// <summary>
    /// While a direct append is in flight, a command waits in the stash unless the entity <see cref="Pipelines"/> it and
    /// nothing is stashed before it. An entity asked to stop pipelines nothing: under steady traffic it would always have
    /// a write in flight and never stop (a shard's hand-off would wait for it); it stops once its writes are stored.
    /// </summary>
    protected override bool Receive(object message)
    {
        if (_writing == 0 || message is JournalAppended or JournalAppendFailed || (Stash.IsEmpty && !_stopRequested && Pipelines(message)))
            return base.Receive(message);
        Stash.Stash();
        return true;
    }

    /// <summary>
    /// The pipelined write path's messages (<see cref="Pipelines"/> and the journal's answers) go straight to the
    /// entity's handlers once it has recovered with direct appends, past Akka.Persistence's command state: that state
    /// made a callback for every command (a sixth of a node's objects on the 1:1 path, docs/BENCHMARKS.md, issue 14
    /// step 12) for writes that only <c>Persist</c> makes, and with direct appends the entity never persists (nor stashes
    /// in Akka's internal stash) after recovery. Everything else, timers and Akka's own answers included, takes the
    /// usual way.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is not IEntityTick) _lastTraffic = Environment.TickCount64;
        bool handled;
        if (Settings.DirectAppends && !IsRecovering && (message is JournalAppended || Pipelines(message)))
        {
            handled = receive(message);
            if (!handled) Unhandled(message);
        }
        else
        {
            handled = base.AroundReceive(receive, message);
        }
        // Asked to stop: the entity stops after the message that left nothing to finish (a command, a write's
        // confirmation, an answer it waited for), whichever it is.
        if (_stopRequested && _inFlight.Count == 0 && !FinishesBeforeStop) Context.Stop(Self);
        return handled;
    }

    /// <summary>
    /// Lets every stashed message in, in order, at the front of the mailbox. Not <c>Stash.UnstashAll()</c>: a persistent
    /// actor's moves them to Akka.Persistence's internal stash, which lets one in after each command that takes Akka's
    /// way, and the write path's messages skip that way (<see cref="AroundReceive"/>), so the rest would wait there for
    /// some other message.
    /// </summary>
    protected void UnstashAll() => Stash.UnstashAll(static _ => true);

    /// <summary>A rejected event is not applied and its decision is dropped unanswered, as if the write had failed.</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        if (++_appliedOfHead < _inFlight.Peek().Decision.EventCount) return;
        _inFlight.Dequeue();
        _appliedOfHead = 0;
    }

    private void OnPersisted(IChatEvent e)
    {
        var head = _inFlight.Peek();
        ChatMeter.CommitObserved(head.Started);
        State = State.Apply(e);
        if (++_appliedOfHead == head.Decision.EventCount)
        {
            _inFlight.Dequeue();
            _appliedOfHead = 0;
            Complete(head.Decision, head.ReplyTo);
            head.After?.Invoke();
        }
        SnapshotIfDue();
    }

    /// <summary>
    /// Applies a decision's event to <see cref="State"/> as it is decided (direct appends); the snapshot to save once it is
    /// stored when a snapshot falls due at it, else <paramref name="due"/>.
    /// </summary>
    private PendingSnapshot? ApplyDecided(IChatEvent e, PendingSnapshot? due)
    {
        State = State.Apply(e);
        var sequenceNr = StoredSequenceNr + ++_pending;
        return SnapshotDue(sequenceNr) && State.ToSnapshot() is { } snapshot ? new PendingSnapshot(sequenceNr, snapshot) : due;
    }

    private PendingSnapshot? ApplyDecided(IReadOnlyList<IChatEvent> events)
    {
        PendingSnapshot? due = null;
        foreach (var e in events) due = ApplyDecided(e, due);
        return due;
    }

    /// <summary>Hands the journal the events of every decision in flight as one write.</summary>
    private void AppendQueued()
    {
        IReadOnlyList<IChatEvent> events;
        if (_inFlight.Count == 1) events = _inFlight.Peek().Decision.Events;
        else
        {
            var all = new List<IChatEvent>();
            foreach (var queued in _inFlight) all.AddRange(queued.Decision.Events);
            events = all;
        }
        _writing = _inFlight.Count;
        _writingEvents = events.Count;
        Journal.Tell(new JournalAppend(PersistenceId, StoredSequenceNr + 1, events, Self), Self);
    }

    /// <summary>
    /// The write is stored: its decisions are completed in order, then those that store nothing and waited only for it;
    /// decisions made meanwhile are written next, or, with none left, the stash is let in.
    /// </summary>
    private void OnAppended()
    {
        _stored = StoredSequenceNr + _writingEvents;
        _pending -= _writingEvents;
        _completing = true;
        for (var i = 0; i < _writing; i++) CompleteStored(_inFlight.Dequeue());
        while (_inFlight.TryPeek(out var next) && next.Decision.EventCount == 0) CompleteStored(_inFlight.Dequeue());
        _completing = false;
        _writing = 0;
        if (_inFlight.Count > 0) AppendQueued();
        else if (!Stash.IsEmpty) UnstashAll();
    }

    private void CompleteStored(InFlight stored)
    {
        if (stored.Decision.EventCount > 0) ChatMeter.CommitObserved(stored.Started);
        if (stored.Snapshot is { } due) SaveSnapshotAt(due.SequenceNr, due.Snapshot);
        Complete(stored.Decision, stored.ReplyTo);
        stored.After?.Invoke();
    }

    /// <summary>Nothing of the write is stored, and the state holds its events: the entity stops and recovers from what is.</summary>
    private void OnAppendFailed(JournalAppendFailed failed)
    {
        if (failed.Rejected)
        {
            Log.Error(failed.Cause, "Rejected {0} event(s) from sequence number {1} for persistenceId [{2}] (not serializable); the entity stops.",
                _writingEvents, StoredSequenceNr + 1, PersistenceId);
        }
        else
        {
            Log.Error(failed.Cause, "Failed to store {0} event(s) from sequence number {1} for persistenceId [{2}]; the entity stops.",
                _writingEvents, StoredSequenceNr + 1, PersistenceId);
        }
        _inFlight.Clear();
        Context.Stop(Self);
    }

    private void SnapshotIfDue()
    {
        if (SnapshotDue(StoredSequenceNr) && State.ToSnapshot() is { } snapshot) SaveSnapshotAt(StoredSequenceNr, snapshot);
    }

    private void SaveSnapshotAt(long sequenceNr, IChatEvent snapshot) =>
        SnapshotStore.Tell(new SaveSnapshot(new SnapshotMetadata(PersistenceId, sequenceNr, DateTime.UtcNow), snapshot), Self);

    private void Complete(Decision decision, IActorRef replyTo)
    {
        if (decision.AwaitKey is { } key) AddWaiter(key, replyTo);
        else if (decision.ReplyMessage is { } reply) replyTo.Tell(reply, Self);
        if (!decision.HasFollowUps) return;
        foreach (var (waitedFor, answer) in decision.Answers) AnswerWaiters(waitedFor, answer);
        foreach (var command in decision.Sends) Send(command);
        if (!Timers.IsTimerActive(RetryTimer) && HasOutstanding()) Timers.StartSingleTimer(RetryTimer, RetryOutstanding.Instance, RetryInterval);
    }

    private void AddWaiter(object key, IActorRef waiter)
    {
        if (waiter is null || waiter.IsNobody()) return;
        if (!_waiters.TryGetValue(key, out var waiters)) _waiters[key] = waiters = [];
        waiters.Add(waiter);
    }

    private void AnswerWaiters(object key, object reply)
    {
        if (!_waiters.Remove(key, out var waiters)) return;
        foreach (var waiter in waiters) waiter.Tell(reply, Self);
    }

    /// <summary>Sends every outstanding command, and again after <see cref="RetryInterval"/> while any is left.</summary>
    private void SendOutstanding()
    {
        var any = false;
        foreach (var command in State.Outstanding)
        {
            Send(command);
            any = true;
        }
        if (any) Timers.StartSingleTimer(RetryTimer, RetryOutstanding.Instance, RetryInterval);
    }

    private bool HasOutstanding()
    {
        using var outstanding = State.Outstanding.GetEnumerator();
        return outstanding.MoveNext();
    }

    private bool SnapshotDue(long sequenceNr)
    {
        if (_snapshotPhase < 0) _snapshotPhase = Settings.SpreadSnapshots ? SnapshotSchedule.Phase(PersistenceId, Settings.SnapshotEvery) : 0;
        return SnapshotSchedule.IsDue(sequenceNr, _snapshotPhase, Settings.SnapshotEvery);
    }

    private void PassivateIfIdle()
    {
        if (!IsIdle || _waiters.Count > 0 || _inFlight.Count > 0 || HoldsWork || HasOutstanding()) return;
        Context.Parent.Tell(new Passivate(StopInOrder.Instance));
    }

    /// <summary>A decision whose events are being written (or that waits for earlier ones), with whom to answer once they are.</summary>
    private readonly record struct InFlight(Decision Decision, IActorRef ReplyTo, Action? After, long Started, PendingSnapshot? Snapshot);

    /// <summary>The state as of <paramref name="SequenceNr"/>, saved once that event is stored.</summary>
    private sealed record PendingSnapshot(long SequenceNr, IChatEvent Snapshot);

    private sealed class NoTopology : IChatTopology
    {
        public static readonly NoTopology Instance = new();

        public IActorRef Users => ActorRefs.Nobody;

        public IActorRef Rooms => ActorRefs.Nobody;

        public IActorRef Accounts => ActorRefs.Nobody;

        public IActorRef UserIds => ActorRefs.Nobody;

        public IActorRef RoomIds => ActorRefs.Nobody;

        public IReadOnlyList<NodeFanout> NodeFanouts => [];
    }

    /// <summary>Time to send the outstanding commands again. Not a tick: an entity with work outstanding stays up until it is done.</summary>
    private sealed class RetryOutstanding
    {
        public static readonly RetryOutstanding Instance = new();
    }
}

/// <summary>
/// A message an entity sends itself on a timer that runs whatever the entity does (the idle check, a periodic sweep):
/// not traffic, so it never keeps an idle entity alive. Retries of unfinished work are not ticks: an entity with work
/// outstanding stays up until it is done.
/// </summary>
public interface IEntityTick;

/// <summary>Time to see whether the entity has been idle long enough to passivate.</summary>
public sealed class CheckIdle : IEntityTick
{
    public static readonly CheckIdle Instance = new();

    private CheckIdle()
    {
    }
}

/// <summary>
/// The message a shard stops an entity with, at hand-off and on passivation: handled in order, after the commands that
/// arrived before it (see <see cref="ChatEntity{TState}"/>).
/// </summary>
public sealed class StopInOrder
{
    public static readonly StopInOrder Instance = new();

    private StopInOrder()
    {
    }
}
