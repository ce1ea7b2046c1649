namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Akka.Persistence;

/// <summary>
/// A persistent actor that persists every string it is told and saves it as its snapshot (through the snapshot plugin
/// it is given, or the configured default), deletes snapshots when told a <see cref="SnapshotSelectionCriteria"/>, and reports to its
/// monitor what it recovered and every answer of the snapshot store.
/// </summary>
public sealed class Snapshotter : UntypedPersistentActor
{
    private readonly IActorRef _monitor;
    private string? _snapshot;
    private long _snapshotSequenceNr;

    public Snapshotter(string persistenceId, IActorRef monitor, string? snapshotPlugin = null)
    {
        PersistenceId = persistenceId;
        _monitor = monitor;
        if (snapshotPlugin is not null) SnapshotPluginId = snapshotPlugin;
    }

    public sealed record Recovered(string? Snapshot, long SequenceNr);

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, IActorRef monitor, string? snapshotPlugin = null) =>
        Akka.Actor.Props.Create(() => new Snapshotter(persistenceId, monitor, snapshotPlugin));

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer offer:
                _snapshot = (string)offer.Snapshot;
                _snapshotSequenceNr = offer.Metadata.SequenceNr;
                break;
            case RecoveryCompleted:
                _monitor.Tell(new Recovered(_snapshot, _snapshotSequenceNr));
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case string state:
                // An event first, so that each snapshot has a sequence number of its own.
                Persist(state, _ => SaveSnapshot(state));
                break;
            case SnapshotSelectionCriteria criteria:
                DeleteSnapshots(criteria);
                break;
            case SaveSnapshotSuccess or SaveSnapshotFailure or DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                _monitor.Tell(message);
                break;
        }
    }
}
