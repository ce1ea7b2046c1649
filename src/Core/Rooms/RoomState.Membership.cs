namespace AkkaChat.Core.Rooms;

using System.Collections.Immutable;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Rooms.MembershipEvents;

/// <summary>
/// Leaving, removal by the owner and ownership transfer. The room is the authority: a member is out of
/// <see cref="Members"/> as soon as the room records it, and stays in <see cref="PendingUnlinks"/> until their
/// user entity has recorded it too; likewise <see cref="PendingOwnership"/> for the users' owned rooms.
/// </summary>
public sealed partial record RoomState
{
    /// <summary>Former members whose user entity has not yet confirmed that they are out.</summary>
    public ImmutableHashSet<UserId> PendingUnlinks { get; init; } = [];

    /// <summary>Users whose entity has not yet recorded whether it owns the room, with what it must record.</summary>
    public ImmutableDictionary<UserId, bool> PendingOwnership { get; init; } = ImmutableDictionary<UserId, bool>.Empty;

    public string? RefuseLeave(UserId member)
    {
        if (!Exists) return "room does not exist";
        if (!Members.Contains(member)) return $"you are not a member of room {Profile!.Id}";
        if (Profile!.OwnerId == member) return "the owner cannot leave the room; transfer ownership to another member first";
        return null;
    }

    public string? RefuseRemoveMember(UserId by, UserId member)
    {
        if (!Exists) return "room does not exist";
        if (Profile!.OwnerId != by) return "only the room's owner can remove members";
        if (member == by) return "the owner cannot remove themself; transfer ownership to another member first";
        if (!Members.Contains(member)) return $"user {member} is not a member of room {Profile.Id}";
        return null;
    }

    public string? RefuseTransfer(UserId by, UserId to)
    {
        if (!Exists) return "room does not exist";
        if (Profile!.OwnerId != by) return "only the room's owner can transfer it";
        if (to == by) return "you already own this room";
        if (!Members.Contains(to)) return $"user {to} is not a member of room {Profile.Id}";
        return null;
    }

    public string? RefuseListMembers(UserId requester)
    {
        if (!Exists) return "room does not exist";
        if (!Members.Contains(requester)) return $"you are not a member of room {Profile!.Id}";
        return null;
    }

    /// <summary>The members, owner first, then by id.</summary>
    public IReadOnlyList<UserId> MemberListing() =>
        [.. Members.OrderBy(m => m == Profile?.OwnerId ? 0 : 1).ThenBy(m => m.Value)];

    /// <summary>True when neither user of a transfer still has to record it.</summary>
    public bool OwnershipRecordedBy(UserId from, UserId to) => !PendingOwnership.ContainsKey(from) && !PendingOwnership.ContainsKey(to);

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

    private RoomState Unlinking(UserId member) => this with { Members = Members.Remove(member), PendingUnlinks = PendingUnlinks.Add(member) };
}
