namespace AkkaChat.Core.Users;

using AkkaChat.Core.Ids;

/// <summary>A friend request from <paramref name="From"/> to <paramref name="To"/>, with the requester's note.</summary>
public sealed record FriendRequest(UserId From, UserId To, string Memo, DateTimeOffset At)
{
    public FriendRequestKey Key => new(From, To);
}

/// <summary>Names one direction of a friend request: who asked whom.</summary>
public readonly record struct FriendRequestKey(UserId From, UserId To);

public static partial class UserCommands
{
    /// <summary>The seed's direct add: friendship both ways, idempotent.</summary>
    public sealed record AddFriend(UserId UserId, UserId FriendId) : IWithUserId;

    /// <summary>From the user entity of <paramref name="RequesterId"/>: record the other half of a friendship.</summary>
    public sealed record LinkFriend(UserId UserId, UserId RequesterId) : IWithUserId;

    public sealed record ListFriends(UserId UserId) : IWithUserId;
}

public static partial class UserEvents
{
    /// <summary>Friendship with <paramref name="FriendId"/> was asked for; its other half is being recorded (resumed after a crash).</summary>
    public sealed record FriendLinkStarted(UserId FriendId) : IChatEvent;

    public sealed record FriendAdded(UserId FriendId) : IChatEvent;

    /// <summary>The other user does not exist; the pending link is dropped.</summary>
    public sealed record FriendLinkAbandoned(UserId FriendId) : IChatEvent;
}

public static partial class UserReplies
{
    public sealed record FriendAdded(UserId UserId, UserId FriendId);

    public sealed record FriendLinked(UserId UserId, UserId RequesterId);

    public sealed record FriendList(IReadOnlyList<UserId> Friends);
}

/// <summary>
/// Friend requests, removing friends and blocking. Commands between two user entities carry the peer, and every one is
/// idempotent, because an unanswered one is sent again after recovery and every few seconds.
/// </summary>
public static partial class ContactCommands
{
    /// <summary>Ask <paramref name="TargetId"/> to be friends; when they already asked this user, it accepts their request instead.</summary>
    public sealed record SendFriendRequest(UserId UserId, UserId TargetId, string Memo) : IWithUserId;

    /// <summary>From the requester's entity: record an incoming request (refused when this user blocks the requester).</summary>
    public sealed record DeliverFriendRequest(UserId UserId, FriendRequest Request) : IWithUserId;

    public sealed record AcceptFriendRequest(UserId UserId, UserId RequesterId) : IWithUserId;

    public sealed record RejectFriendRequest(UserId UserId, UserId RequesterId) : IWithUserId;

    /// <summary>From the other side of a request: it was rejected, accepted, withdrawn or refused, so it is no longer open here either.</summary>
    public sealed record CloseFriendRequest(UserId UserId, FriendRequestKey Request) : IWithUserId;

    public sealed record ListFriendRequests(UserId UserId) : IWithUserId;

    public sealed record RemoveFriend(UserId UserId, UserId FriendId) : IWithUserId;

    /// <summary>From the entity of <paramref name="RemoverId"/>: record the other half of a removed friendship.</summary>
    public sealed record UnlinkFriend(UserId UserId, UserId RemoverId) : IWithUserId;

    public sealed record BlockUser(UserId UserId, UserId TargetId) : IWithUserId;

    public sealed record UnblockUser(UserId UserId, UserId TargetId) : IWithUserId;

    public sealed record ListBlocked(UserId UserId) : IWithUserId;
}

public static partial class ContactEvents
{
    /// <summary>This user asked <see cref="FriendRequest.To"/>; the request is being delivered (resumed after a crash).</summary>
    public sealed record FriendRequestStarted(FriendRequest Request) : IContactEvent;

    /// <summary>The target recorded the request: it is open on both sides.</summary>
    public sealed record FriendRequestDelivered(UserId TargetId) : IContactEvent;

    /// <summary>Someone asked this user to be friends.</summary>
    public sealed record FriendRequestReceived(FriendRequest Request) : IContactEvent;

    /// <summary>
    /// This user accepted <paramref name="RequesterId"/>'s request: the friendship link is started (like the seed's add)
    /// and the requester is told to close the request.
    /// </summary>
    public sealed record FriendRequestAccepted(UserId RequesterId) : IContactEvent;

    /// <summary>
    /// A request is no longer open on this side. With <paramref name="TellPeer"/> the other side is told too
    /// (a rejection or a withdrawal), until it confirms.
    /// </summary>
    public sealed record FriendRequestClosed(FriendRequestKey Request, bool TellPeer) : IContactEvent;

    /// <summary>The other side confirmed that <paramref name="Request"/> is closed there too.</summary>
    public sealed record FriendRequestCloseConfirmed(FriendRequestKey Request) : IContactEvent;

    /// <summary>This user removed <paramref name="FriendId"/>: our half is gone; theirs is being removed (resumed after a crash).</summary>
    public sealed record FriendRemovalStarted(UserId FriendId) : IContactEvent;

    /// <summary><paramref name="FriendId"/> removed this user: the other half of their removal.</summary>
    public sealed record FriendRemoved(UserId FriendId) : IContactEvent;

    /// <summary>The former friend recorded their half of our removal.</summary>
    public sealed record FriendRemovalConfirmed(UserId FriendId) : IContactEvent;

    public sealed record UserBlocked(UserId TargetId) : IContactEvent;

    public sealed record UserUnblocked(UserId TargetId) : IContactEvent;
}

public static partial class ContactReplies
{
    /// <summary>To the requester's entity: the target recorded the request.</summary>
    public sealed record FriendRequestStored(UserId TargetId, UserId RequesterId);

    /// <summary>To the requester's entity: the target does not take the request.</summary>
    public sealed record FriendRequestDeclined(UserId TargetId, UserId RequesterId, string Reason, bool AlreadyFriends = false);

    /// <summary>To the asker: the request is open (delivered to the target).</summary>
    public sealed record FriendRequestOpen(FriendRequest Request);

    public sealed record FriendRequestList(IReadOnlyList<FriendRequest> Incoming, IReadOnlyList<FriendRequest> Outgoing);

    public sealed record FriendRequestRejected(UserId UserId, UserId RequesterId);

    /// <summary>To the entity that closed a request: the other side closed it too.</summary>
    public sealed record FriendRequestCloseRecorded(UserId UserId, FriendRequestKey Request);

    /// <summary>To the remover's entity: the other half of the friendship is gone.</summary>
    public sealed record FriendUnlinked(UserId UserId, UserId RemoverId);

    /// <summary>To the asker: both halves of the friendship are gone.</summary>
    public sealed record FriendshipEnded(UserId UserId, UserId FormerFriendId);

    /// <summary>To the entity of a user asking to link as a friend: this user blocks them.</summary>
    public sealed record FriendLinkDeclined(UserId UserId, UserId RequesterId, string Reason);

    public sealed record BlockChanged(UserId UserId, UserId TargetId, bool Blocked);

    public sealed record BlockList(IReadOnlyList<UserId> Blocked);
}
