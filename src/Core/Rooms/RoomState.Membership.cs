namespace AkkaChat.Core.Rooms;

using System.Collections.Immutable;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Rooms.MembershipCommands;
using static AkkaChat.Core.Rooms.MembershipEvents;
using static AkkaChat.Core.Rooms.MembershipReplies;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactReplies;

/// <summary>
/// Leaving, removal by the owner and ownership transfer. The room is the authority: a member is out of
/// <see cref="Members"/> as soon as the room records it, and stays in <see cref="PendingUnlinks"/> until their
/// user entity has recorded it too; likewise <see cref="PendingOwnership"/> for the users' owned rooms. Both are the
/// room's <see cref="Outstanding"/> work, re-sent until confirmed.
/// </summary>
public sealed partial record RoomState
{
    /// <summary>Former members whose user entity has not yet confirmed that they are out.</summary>
    public ImmutableHashSet<UserId> PendingUnlinks { get; init; } = [];

    /// <summary>Users whose entity has not yet recorded whether it owns the room, with what it must record.</summary>
    public ImmutableDictionary<UserId, bool> PendingOwnership { get; init; } = ImmutableDictionary<UserId, bool>.Empty;

    /// <summary>A member leaves: out at once, answered once their entity has recorded it too; the owner transfers first.</summary>
    public Decision Decide(LeaveRoom cmd, DateTimeOffset now)
    {
        if (!Exists) return NotFound(cmd.RoomId);
        if (!Members.Contains(cmd.Member)) return AwaitUnlinkOr(cmd.Member, $"you are not a member of room {Profile!.Id}");
        if (Profile!.OwnerId == cmd.Member) return Decision.Refuse(RefusalCodes.Refused, "the owner cannot leave the room; transfer ownership to another member first");
        return Unlink(new MemberLeft(cmd.Member, now), cmd.Member);
    }

    /// <summary>The owner removes another member, the same way as leaving.</summary>
    public Decision Decide(RemoveMember cmd, DateTimeOffset now)
    {
        if (!Exists) return NotFound(cmd.RoomId);
        if (Profile!.OwnerId != cmd.OwnerId) return Decision.Refuse(RefusalCodes.NotOwner, "only the room's owner can remove members");
        if (cmd.Member == cmd.OwnerId) return Decision.Refuse(RefusalCodes.Refused, "the owner cannot remove themself; transfer ownership to another member first");
        if (!Members.Contains(cmd.Member)) return AwaitUnlinkOr(cmd.Member, $"user {cmd.Member} is not a member of room {Profile.Id}");
        return Unlink(new MemberRemoved(cmd.Member, cmd.OwnerId, now), cmd.Member);
    }

    /// <summary>A former member's entity recorded that they are out: the leave or removal is answered.</summary>
    public Decision Decide(RoomUnlinkRecorded recorded)
    {
        if (!Exists) return Decision.Ignore;
        var ended = new MembershipEnded(Profile!, recorded.UserId);
        return PendingUnlinks.Contains(recorded.UserId)
            ? Decision.Store(new MemberUnlinked(recorded.UserId)).Answer(new UnlinkWait(recorded.UserId), ended)
            : Decision.Ignore.Answer(new UnlinkWait(recorded.UserId), ended);
    }

    /// <summary>The owner hands the room over; answered once both users' entities have recorded it.</summary>
    public Decision Decide(TransferOwnership cmd, DateTimeOffset now)
    {
        if (!Exists) return NotFound(cmd.RoomId);
        if (Profile!.OwnerId != cmd.OwnerId) return Decision.Refuse(RefusalCodes.NotOwner, "only the room's owner can transfer it");
        if (cmd.NewOwnerId == cmd.OwnerId) return Decision.Refuse(RefusalCodes.Refused, "you already own this room");
        if (!Members.Contains(cmd.NewOwnerId)) return Decision.Refuse(RefusalCodes.NotMember, $"user {cmd.NewOwnerId} is not a member of room {Profile.Id}");
        return Decision.Store(new OwnershipTransferred(cmd.OwnerId, cmd.NewOwnerId, now))
            .Await(OwnershipWait.Instance)
            .Send(new SetRoomOwnership(cmd.OwnerId, Profile.Id, Owned: false))
            .Send(new SetRoomOwnership(cmd.NewOwnerId, Profile.Id, Owned: true));
    }

    /// <summary>
    /// A user's entity recorded whether it owns the room. Transfers are answered once no user has one left to record (a
    /// transfer overlapping another is answered with the later one).
    /// </summary>
    public Decision Decide(RoomOwnershipRecorded recorded)
    {
        if (!Exists) return Decision.Ignore;
        if (!PendingOwnership.TryGetValue(recorded.UserId, out var owned) || owned != recorded.Owned)
            return PendingOwnership.IsEmpty ? Decision.Ignore.Answer(OwnershipWait.Instance, new OwnershipMoved(Profile!)) : Decision.Ignore;
        var e = new OwnershipRecorded(recorded.UserId, recorded.Owned);
        return PendingOwnership.Count == 1
            ? Decision.Store(e).Answer(OwnershipWait.Instance, new OwnershipMoved(Profile!))
            : Decision.Store(e);
    }

    public Decision Decide(ListMembers cmd)
    {
        if (!Exists) return NotFound(cmd.RoomId);
        if (!Members.Contains(cmd.Requester)) return Decision.Refuse(RefusalCodes.NotMember, $"you are not a member of room {Profile!.Id}");
        return Decision.Reply(new MemberList(cmd.RoomId, MemberListing()));
    }

    /// <summary>The members, owner first, then by id.</summary>
    public IReadOnlyList<UserId> MemberListing() =>
        [.. Members.OrderBy(m => m == Profile?.OwnerId ? 0 : 1).ThenBy(m => m.Value)];

    private RoomState ApplyMembership(IMembershipEvent e) => e switch
    {
        MemberLeft l => Unlinking(l.Member),
        MemberRemoved r => Unlinking(r.Member),

        // Only the pending mark goes: the user may have joined again meanwhile.
        MemberUnlinked u => this with { PendingUnlinks = PendingUnlinks.Remove(u.Member) },
        OwnershipTransferred t => this with
        {
            Profile = Profile! with { OwnerId = t.To },
            PendingOwnership = PendingOwnership.SetItem(t.From, false).SetItem(t.To, true),
        },

        // A confirmation of an older transfer does not clear a newer one the user has not recorded yet.
        OwnershipRecorded o => PendingOwnership.TryGetValue(o.UserId, out var owned) && owned == o.Owned
            ? this with { PendingOwnership = PendingOwnership.Remove(o.UserId) }
            : this,
        _ => this,
    };

    private Decision Unlink(IMembershipEvent decided, UserId member) =>
        Decision.Store(decided).Await(new UnlinkWait(member)).Send(new UnlinkRoom(member, Profile!.Id));

    /// <summary>Asked again while the former member's entity records the first one: answered together; else refused.</summary>
    private Decision AwaitUnlinkOr(UserId member, string refusal) => PendingUnlinks.Contains(member)
        ? Decision.Ignore.Await(new UnlinkWait(member))
        : Decision.Refuse(RefusalCodes.NotMember, refusal);

    private RoomState Unlinking(UserId member) => this with { Members = Members.Remove(member), PendingUnlinks = PendingUnlinks.Add(member) };

    /// <summary>Who waits for <see cref="MembershipEnded"/> of one former member.</summary>
    private sealed record UnlinkWait(UserId Member);

    /// <summary>Who waits for a transfer to be recorded by both users.</summary>
    private sealed class OwnershipWait
    {
        public static readonly OwnershipWait Instance = new();
    }
}
