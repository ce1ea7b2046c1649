namespace AkkaChat.Core.Rooms;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Rooms.RoomEvents;

/// <summary>A room's members and the tail of its message log. Pure; folded from the room's journal.</summary>
public sealed partial record RoomState
{
    /// <summary>How many recent messages the state keeps for members coming back online.</summary>
    public const int RecentCapacity = 1000;

    public static readonly RoomState Empty = new();

    public RoomProfile? Profile { get; init; }
    public ImmutableHashSet<UserId> Members { get; init; } = [];
    public long Seq { get; init; }
    public RecentWindow<RoomMessage> Recent { get; init; } = RecentWindow<RoomMessage>.Empty(RecentCapacity);

    /// <summary>(sender, client id) of recent messages, so a resend is answered with the stored message.</summary>
    public DedupeWindow<(UserId, string), RoomMessage> ByCid { get; init; } = DedupeWindow<(UserId, string), RoomMessage>.Empty(RecentCapacity);

    public bool Exists => Profile is not null;

    /// <summary>Why <paramref name="sender"/> may not post <paramref name="payload"/> (an error code and a reason), or null.</summary>
    public (string Code, string Reason)? RefuseMessage(UserId sender, ChatPayload payload)
    {
        if (!Exists) return ("no-room", "room does not exist");
        if (!Members.Contains(sender)) return ("not-member", "you are not a member of this room");
        if (payload.TextLength > ChatPayload.MaxTextLength) return ("refused", "message is too long");
        return null;
    }

    public RoomMessage NextMessage(UserId sender, ChatPayload payload, DateTimeOffset at, string cid = "") =>
        new(Profile!.Id, Seq + 1, sender, payload, at, MessageIds.New(), cid);

    /// <summary>The stored message a resend of (<paramref name="sender"/>, <paramref name="cid"/>) refers to, if still remembered.</summary>
    public RoomMessage? Resent(UserId sender, string cid) =>
        cid.Length > 0 && ByCid.TryGet((sender, cid), out var stored) ? stored : null;

    /// <summary>
    /// Messages after <paramref name="afterSeq"/>, oldest first, at most <paramref name="max"/>, from the kept tail; recalled
    /// ones are left out (this is the seed-000 catch-up, and a seed-000 client has no notion of a recall).
    /// </summary>
    public IReadOnlyList<RoomMessage> MessagesAfter(long afterSeq, int max) =>
        Recent.Where(m => m.Seq > afterSeq && !IsRecalledSeq(m.Seq)).Take(max).ToList();

    public RoomState Apply(IChatEvent e) => e switch
    {
        RoomCreated c => this with
        {
            Profile = new RoomProfile(c.RoomId, c.OwnerId, c.Fields.Name, c.Fields.Icon, c.Fields.Memo, c.Fields.Cate, c.CreatedAt),
            Members = Members.Add(c.OwnerId),
        },
        MemberJoined j => this with { Members = Members.Add(j.UserId) },
        RoomMessageStored s => Append(s.Message),
        RoomConversationEvents.RoomMessageRecalled r => ApplyRecall(r),
        RoomSnapshot s => s.Recent.Aggregate(Empty with { Profile = s.Profile, Members = [.. s.Members] }, (st, m) => st.Append(m)) with
        {
            Seq = s.Seq,
            // Snapshots written before RecalledSeqs named recalls by message id, only within the recent tail.
            RecalledSeqs = [.. s.RecalledSeqs, .. s.Recent.Where(m => s.RecalledMessages.Contains(m.MessageId)).Select(m => m.Seq)],
            RecentRecalls = [.. s.RecentRecalls],
            PendingUnlinks = [.. s.PendingUnlinks],
            PendingOwnership = s.PendingOwnership.ToImmutableDictionary(),
        },
        IMembershipEvent m => ApplyMembership(m),
        _ => this,
    };

    public RoomSnapshot ToSnapshot() => new(Profile!, [.. Members], Seq, [.. Recent])
    {
        RecalledSeqs = [.. RecalledSeqs],
        RecentRecalls = [.. RecentRecalls],
        PendingUnlinks = [.. PendingUnlinks.OrderBy(u => u.Value)],
        PendingOwnership = PendingOwnership,
    };

    private RoomState Append(RoomMessage m) => this with
    {
        Seq = m.Seq,
        Recent = Recent.Add(m),
        ByCid = m.Cid.Length > 0 ? ByCid.Add((m.SenderId, m.Cid), m) : ByCid,
    };
}
