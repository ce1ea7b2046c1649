namespace AkkaChat.Core.Rooms;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

/// <summary>Persisted membership changes of a room beyond joining: leaving, removal by the owner, ownership transfer.</summary>
public interface IMembershipEvent : IChatEvent;

/// <summary>
/// The room decides who leaves and who owns it; each change is then recorded by the user entities concerned
/// (their room set and owned rooms) and answered only once they have.
/// </summary>
public static class MembershipCommands
{
    /// <summary>A member leaves; the owner cannot (they transfer ownership first).</summary>
    public sealed record LeaveRoom(RoomId RoomId, UserId Member) : IWithRoomId;

    /// <summary>The owner removes another member.</summary>
    public sealed record RemoveMember(RoomId RoomId, UserId OwnerId, UserId Member) : IWithRoomId;

    /// <summary>The owner hands the room to another member.</summary>
    public sealed record TransferOwnership(RoomId RoomId, UserId OwnerId, UserId NewOwnerId) : IWithRoomId;

    /// <summary>A member asks who is in the room.</summary>
    public sealed record ListMembers(RoomId RoomId, UserId Requester) : IWithRoomId;
}

public static class MembershipEvents
{
    /// <summary>The member left; their user entity is being told (resumed after a crash).</summary>
    public sealed record MemberLeft(UserId Member, DateTimeOffset At) : IMembershipEvent;

    /// <summary>The owner removed the member; their user entity is being told (resumed after a crash).</summary>
    public sealed record MemberRemoved(UserId Member, UserId RemovedBy, DateTimeOffset At) : IMembershipEvent;

    /// <summary>The former member's user entity recorded that they are no longer in the room.</summary>
    public sealed record MemberUnlinked(UserId Member) : IMembershipEvent;

    /// <summary>The room now belongs to <paramref name="To"/>; both users' entities are being told (resumed after a crash).</summary>
    public sealed record OwnershipTransferred(UserId From, UserId To, DateTimeOffset At) : IMembershipEvent;

    /// <summary><paramref name="UserId"/>'s entity recorded whether it owns the room.</summary>
    public sealed record OwnershipRecorded(UserId UserId, bool Owned) : IMembershipEvent;
}

public static class MembershipReplies
{
    /// <summary><paramref name="Member"/> is out of the room on both sides (left or removed).</summary>
    public sealed record MembershipEnded(RoomProfile Room, UserId Member);

    /// <summary>The transfer is recorded by the room and by both users.</summary>
    public sealed record OwnershipMoved(RoomProfile Room);

    /// <summary>The members, owner first, then by id.</summary>
    public sealed record MemberList(RoomId RoomId, IReadOnlyList<UserId> Members);
}
