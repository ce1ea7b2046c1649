namespace AkkaChat.Core.Ids;

using static AkkaChat.Core.Ids.IdBlockCommands;
using static AkkaChat.Core.Ids.IdBlockEvents;
using static AkkaChat.Core.Ids.IdBlockReplies;

/// <summary>The next id of one kind that was never handed out (0: nothing reserved yet). Pure.</summary>
public sealed record IdBlockState(long Next) : IEntityState<IdBlockState>
{
    public static readonly IdBlockState Empty = new(0);

    /// <summary>Id blocks involve no other entity.</summary>
    public IEnumerable<object> Outstanding => [];

    /// <summary>The next <see cref="ReserveIdBlock.Count"/> ids from <see cref="Next"/> (or the kind's first id), stored before they are granted.</summary>
    public Decision Decide(ReserveIdBlock cmd)
    {
        if (cmd.Count <= 0) return Decision.Refuse(RefusalCodes.Refused, $"a block must hold at least one id, not {cmd.Count}");
        var start = Math.Max(Next, cmd.FirstId);
        return Decision.Store(new IdBlockReserved(start, cmd.Count), new IdBlockGranted(cmd.Kind, start, cmd.Count));
    }

    /// <summary>Events and snapshots are both a reserved block: what follows it is next.</summary>
    public IdBlockState Apply(IChatEvent e) => e is IdBlockReserved r ? new IdBlockState(r.Start + r.Count) : this;

    /// <summary>An empty block at <see cref="Next"/>, which recovers the same state.</summary>
    public IChatEvent? ToSnapshot() => new IdBlockReserved(Next, 0);
}
