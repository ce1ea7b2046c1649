namespace AkkaChat.Core.Rooms;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomEvents;
using static AkkaChat.Core.Rooms.RoomReplies;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.ContactCommands;

/// <summary>
/// A room's members and the tail of its message log. Pure; folded from the room's journal, and answers each command with
/// one <see cref="Decision"/> (here: creating, joining, reading and posting; the partials: membership and recalls).
/// </summary>
public sealed partial record RoomState : IEntityState<RoomState>
{
    /// <summary>Most messages one fetch returns.</summary>
    public const int MaxFetch = 500;

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

    /// <summary>
    /// A member's message: stored and acknowledged with <see cref="RoomAccepted"/>, or refused with a <see cref="ChatRefused"/>
    /// for the sending socket (whose code is decided here); a resend of a remembered cid is answered with the stored message.
    /// </summary>
    public Decision Decide(SendRoomMessage cmd, DateTimeOffset now)
    {
        if (!Exists) return RefuseMessage(cmd, RefusalCodes.NoRoom, "room does not exist");
        // Before the membership check: a sender who left after the message was stored (its acknowledgement lost) is told it was.
        if (cmd.Cid.Length > 0 && ByCid.TryGet((cmd.SenderId, cmd.Cid), out var stored)) return Decision.Reply(new RoomAccepted(cmd.ReplyTag, stored));
        if (!Members.Contains(cmd.SenderId)) return RefuseMessage(cmd, RefusalCodes.NotMember, "you are not a member of this room");
        if (cmd.Payload.TextLength > ChatPayload.MaxTextLength) return RefuseMessage(cmd, RefusalCodes.Refused, "message is too long");
        var message = new RoomMessage(Profile!.Id, Seq + 1, cmd.SenderId, cmd.Payload, now, MessageIds.New(), cmd.Cid);
        return Decision.Store(new RoomMessageStored(message), new RoomAccepted(cmd.ReplyTag, message));
    }

    /// <summary>The creator's entity opens the room's log; idempotent, the owner is the first member.</summary>
    public Decision Decide(CreateRoomLog cmd)
    {
        if (Exists) return Decision.Reply(new MembershipConfirmed(Profile!, cmd.OwnerId, Seq));
        var created = new RoomCreated(cmd.RoomId, cmd.OwnerId, cmd.Fields, cmd.At);
        return Decision.Store(created, new MembershipConfirmed(Apply(created).Profile!, cmd.OwnerId, Seq));
    }

    /// <summary>
    /// The joining user's entity; idempotent. A missing room answers <see cref="RoomNotFound"/>, which names the room, so the
    /// user's entity knows which of its pending joins failed.
    /// </summary>
    public Decision Decide(AddMember cmd, DateTimeOffset now)
    {
        if (!Exists) return Decision.Reply(new RoomNotFound(cmd.RoomId));
        var confirmed = new MembershipConfirmed(Profile!, cmd.UserId, Seq);
        return Members.Contains(cmd.UserId) ? Decision.Reply(confirmed) : Decision.Store(new MemberJoined(cmd.UserId, now), confirmed);
    }

    public Decision Decide(GetRoom cmd) => Exists
        ? Decision.Reply(new RoomInfo(Profile!, Members.Count, Seq) { Last = Last, LastRecalled = Last is { } last && IsRecalledSeq(last.Seq) })
        : NotFound(cmd.RoomId);

    /// <summary>A member's socket catches up: at most <see cref="MaxFetch"/> messages after the asked one.</summary>
    public Decision Decide(FetchRoomMessages cmd)
    {
        if (!Exists) return NotFound(cmd.RoomId);
        if (!Members.Contains(cmd.Member)) return Decision.Refuse(RefusalCodes.NotMember, "you are not a member of this room");
        return Decision.Reply(new RoomMessages(cmd.RoomId, MessagesAfter(cmd.AfterSeq, Math.Clamp(cmd.Max, 1, MaxFetch)), Seq));
    }

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

    /// <summary>The confirmations the room waits for from user entities: leavers not yet unlinked, ownership not yet recorded.</summary>
    public IEnumerable<object> Outstanding
    {
        get
        {
            if (!Exists) yield break;
            foreach (var member in PendingUnlinks) yield return new UnlinkRoom(member, Profile!.Id);
            foreach (var (user, owned) in PendingOwnership) yield return new SetRoomOwnership(user, Profile!.Id, owned);
        }
    }

    IChatEvent? IEntityState<RoomState>.ToSnapshot() => Exists ? ToSnapshot() : null;

    public RoomSnapshot ToSnapshot() => new(Profile!, [.. Members], Seq, [.. Recent])
    {
        RecalledSeqs = [.. RecalledSeqs],
        RecentRecalls = [.. RecentRecalls],
        PendingUnlinks = [.. PendingUnlinks.OrderBy(u => u.Value)],
        PendingOwnership = PendingOwnership,
    };

    private static Decision RefuseMessage(SendRoomMessage cmd, string code, string reason) =>
        Decision.Reply(new ChatRefused(cmd.ReplyTag, code, reason, cmd.Cid));

    private static Decision NotFound(RoomId room) => Decision.Refuse(RefusalCodes.NotFound, $"room {room} does not exist");

    private RoomState Append(RoomMessage m) => this with
    {
        Seq = m.Seq,
        Recent = Recent.Add(m),
        ByCid = m.Cid.Length > 0 ? ByCid.Add((m.SenderId, m.Cid), m) : ByCid,
    };
}
