namespace AkkaChat.Core.Ids;

using Akka.Actor;
using Akka.Persistence;
using static AkkaChat.Core.Ids.IdBlockCommands;
using static AkkaChat.Core.Ids.IdBlockEvents;
using static AkkaChat.Core.Ids.IdBlockReplies;

/// <summary>
/// Hands out blocks of ids for one kind. Every node leases a block at a time (see <see cref="IdLeaser"/>),
/// so this entity sees one request per block, not one per id: no hot spot per registration.
/// A block is persisted before it is granted, so an id is never handed out twice, even after a crash
/// (the unused rest of a block held by a crashed node is skipped, never reused).
/// </summary>
public sealed class IdBlockEntity : ReceivePersistentActor
{
    private long _next; // 0 = nothing reserved yet

    public IdBlockEntity(string kind)
    {
        PersistenceId = "ids-" + kind;

        Recover<IdBlockReserved>(e => _next = e.Start + e.Count);
        Recover<SnapshotOffer>(s =>
        {
            if (s.Snapshot is IdBlockReserved last) _next = last.Start + last.Count;
        });

        Command<ReserveIdBlock>(cmd =>
        {
            if (cmd.Count <= 0)
            {
                Sender.Tell(new Status.Failure(new ArgumentOutOfRangeException(nameof(cmd.Count))));
                return;
            }
            var start = Math.Max(_next, cmd.FirstId);
            var reserved = new IdBlockReserved(start, cmd.Count);
            var replyTo = Sender;
            Persist(reserved, e =>
            {
                _next = e.Start + e.Count;
                replyTo.Tell(new IdBlockGranted(cmd.Kind, e.Start, e.Count));
                if (LastSequenceNr % 100 == 0) SaveSnapshot(e);
            });
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }
}
