namespace AkkaChat.Persistence.Tests.Snapshots;

using Akka.Actor;
using Akka.Persistence;
using Xunit.Abstractions;

/// <summary>
/// A persistent actor on AkkaChat's journal and snapshot store, restarted, recovers from its newest snapshot and
/// replays only the events after it; and after the entities' routine (save, then delete every older snapshot) one
/// snapshot is left. Also when Akka.Persistence.Sql's store saved the snapshot.
/// </summary>
public sealed class SnapshotRecoverySpec(ITestOutputHelper output) : SnapshotFile(output)
{
    [Fact]
    public void A_restarted_actor_recovers_from_its_newest_snapshot_and_the_events_after_it()
    {
        var first = Start("counter-1");
        Assert.Equal(new Recovered(null, []), first.Recovered);
        Append(first, "a", "b", "c");
        Snapshot(first, expectedSequenceNr: 3);
        Append(first, "d", "e");
        Snapshot(first, expectedSequenceNr: 5);
        Append(first, "f");
        Stop(first);

        var second = Start("counter-1");

        Assert.Equal(new Recovered("a,b,c,d,e", ["f"]), second.Recovered);
        // Each save deleted the older snapshots, as entities do.
        Assert.Equal(new object?[] { 5L }, Column("SELECT sequence_nr FROM snapshot WHERE persistence_id = 'counter-1'"));
    }

    [Fact]
    public void A_snapshot_saved_by_Akka_Persistence_Sql_is_recovered_from()
    {
        var first = Start("counter-2");
        Append(first, "a", "b");
        Stop(first);
        Save(Store(SqlPlugin), "counter-2", 2, DateTime.UtcNow, "a,b (sql)");

        var second = Start("counter-2");

        Assert.Equal(new Recovered("a,b (sql)", []), second.Recovered);
    }

    private Running Start(string persistenceId)
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Counter(persistenceId, probe.Ref)));
        return new Running(actor, probe, probe.ExpectMsg<Recovered>(Timeout));
    }

    private static void Append(Running running, params string[] events)
    {
        foreach (var e in events)
        {
            running.Actor.Tell(e);
            running.Probe.ExpectMsg($"stored {e}", Timeout);
        }
    }

    private static void Snapshot(Running running, long expectedSequenceNr)
    {
        running.Actor.Tell(Counter.TakeSnapshot.Instance);
        Assert.Equal(expectedSequenceNr, running.Probe.ExpectMsg<DeleteSnapshotsSuccess>(Timeout).Criteria.MaxSequenceNr + 1);
    }

    private static void Stop(Running running)
    {
        running.Probe.Watch(running.Actor);
        running.Actor.Tell(PoisonPill.Instance);
        running.Probe.ExpectTerminated(running.Actor, Timeout);
    }

    private sealed record Running(IActorRef Actor, Akka.TestKit.TestProbe Probe, Recovered Recovered);

    /// <summary>What an actor recovered: its snapshot, if any, and the events replayed after it.</summary>
    private sealed record Recovered(string? Snapshot, IReadOnlyList<string> Replayed)
    {
        public bool Equals(Recovered? other) => other is not null && Snapshot == other.Snapshot && Replayed.SequenceEqual(other.Replayed);

        public override int GetHashCode() => HashCode.Combine(Snapshot, Replayed.Count);

        public override string ToString() => $"Recovered {{ Snapshot = {Snapshot}, Replayed = [{string.Join(",", Replayed)}] }}";
    }

    /// <summary>
    /// Persists each string it is told; its state is all of them, comma-joined. On <see cref="TakeSnapshot"/> it saves
    /// the state and, once saved, deletes every older snapshot (what ChatEntity does).
    /// </summary>
    private sealed class Counter : UntypedPersistentActor
    {
        private readonly IActorRef _probe;
        private readonly List<string> _replayed = [];
        private string? _snapshot;
        private readonly List<string> _state = [];

        public Counter(string persistenceId, IActorRef probe)
        {
            PersistenceId = persistenceId;
            _probe = probe;
        }

        public sealed class TakeSnapshot
        {
            public static readonly TakeSnapshot Instance = new();
        }

        public override string PersistenceId { get; }

        protected override void OnRecover(object message)
        {
            switch (message)
            {
                case SnapshotOffer offer:
                    _snapshot = (string)offer.Snapshot;
                    _state.Add(_snapshot);
                    break;
                case string e:
                    _replayed.Add(e);
                    _state.Add(e);
                    break;
                case RecoveryCompleted:
                    _probe.Tell(new Recovered(_snapshot, _replayed.ToList()));
                    break;
            }
        }

        protected override void OnCommand(object message)
        {
            switch (message)
            {
                case string e:
                    Persist(e, stored =>
                    {
                        _state.Add(stored);
                        _probe.Tell($"stored {stored}");
                    });
                    break;
                case TakeSnapshot:
                    SaveSnapshot(string.Join(",", _state));
                    break;
                case SaveSnapshotSuccess saved:
                    DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                    break;
                case DeleteSnapshotsSuccess or SaveSnapshotFailure or DeleteSnapshotsFailure:
                    _probe.Tell(message);
                    break;
            }
        }
    }
}
