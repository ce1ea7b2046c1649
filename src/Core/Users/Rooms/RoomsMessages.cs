namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static partial class UserCommands
{
    public sealed record CreateRoom(UserId UserId, RoomFields Fields, int MaxOwnedRooms) : IWithUserId;

    public sealed record JoinRoom(UserId UserId, RoomId RoomId) : IWithUserId;

    public sealed record ListRooms(UserId UserId) : IWithUserId;
}

public static partial class UserEvents
{
    /// <summary>
    /// Joining (or, with <paramref name="Create"/>, creating) <paramref name="RoomId"/> was started;
    /// the room's side is being recorded (resumed after a crash).
    /// </summary>
    public sealed record RoomLinkStarted(RoomId RoomId, RoomFields? Create) : IChatEvent;

    /// <summary>The user is a member; <paramref name="Mark"/> is the room's sequence number at the join.</summary>
    public sealed record RoomLinked(RoomId RoomId, bool Owner, long Mark) : IChatEvent;

    public sealed record RoomLinkAbandoned(RoomId RoomId) : IChatEvent;
}

public static partial class UserReplies
{
    public sealed record RoomList(IReadOnlyList<RoomId> Rooms);

    public sealed record RoomCreated(RoomProfile Room);

    public sealed record RoomJoined(RoomProfile Room);
}

public static partial class ContactCommands
{
    /// <summary>From a room: this user left it or was removed; record the user's half and tell the open sockets.</summary>
    public sealed record UnlinkRoom(UserId UserId, RoomId RoomId) : IWithUserId;

    /// <summary>From a room whose ownership moved: this user now owns it (or no longer does).</summary>
    public sealed record SetRoomOwnership(UserId UserId, RoomId RoomId, bool Owned) : IWithUserId;
}

public static partial class ContactEvents
{
    /// <summary>The user is no longer in <paramref name="RoomId"/> (left, or removed by its owner).</summary>
    public sealed record RoomUnlinked(RoomId RoomId) : IContactEvent;

    /// <summary>The room's ownership moved to (or away from) this user.</summary>
    public sealed record RoomOwnershipChanged(RoomId RoomId, bool Owned) : IContactEvent;
}

public static partial class ContactReplies
{
    /// <summary>To a room: the user recorded that they are no longer in it.</summary>
    public sealed record RoomUnlinkRecorded(UserId UserId, RoomId RoomId);

    /// <summary>To a room: the user recorded whether they own it.</summary>
    public sealed record RoomOwnershipRecorded(UserId UserId, RoomId RoomId, bool Owned);
}

public static partial class ConnectionPushes
{
    /// <summary>The user joined a room: open sockets start receiving it at once.</summary>
    public sealed record RoomMembershipAdded(RoomId RoomId, long Mark);

    /// <summary>The user left the room or was removed from it: open sockets stop receiving it at once.</summary>
    public sealed record RoomMembershipRemoved(RoomId RoomId);
}

/// <summary>Local only: the room id for a <see cref="UserCommands.CreateRoom"/> was leased; <paramref name="ReplyTo"/> asked.</summary>
public sealed record RoomIdLeased(RoomId RoomId, RoomFields Fields, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

/// <summary>Local only: no room id could be leased for <paramref name="ReplyTo"/>'s creation.</summary>
public sealed record RoomIdNotLeased(IActorRef ReplyTo) : INoSerializationVerificationNeeded;
