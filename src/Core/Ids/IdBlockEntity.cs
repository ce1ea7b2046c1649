namespace AkkaChat.Core.Ids;

using static AkkaChat.Core.Ids.IdBlockCommands;

/// <summary>
/// Hands out blocks of ids for one kind. Every node leases a block at a time (see <see cref="IdLeaser"/>),
/// so this entity sees one request per block, not one per id: no hot spot per registration.
/// A block is persisted before it is granted, so an id is never handed out twice, even after a crash
/// (the unused rest of a block held by a crashed node is skipped, never reused).
/// </summary>
public sealed class IdBlockEntity : ChatEntity<IdBlockState>
{
    /// <summary>A snapshot every 100 blocks; it sends to no other entity, so it needs no topology.</summary>
    private static readonly ChatSettings BlockSettings = ChatSettings.Default with { SnapshotEvery = 100, SpreadSnapshots = false };

    public IdBlockEntity(string kind)
        : base("ids-" + kind, IdBlockState.Empty, BlockSettings)
    {
        Command<ReserveIdBlock>(cmd => Execute(State.Decide(cmd), Sender));
    }
}
