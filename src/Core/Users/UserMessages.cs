namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static class UserCommands
{
    /// <summary>Sent by the account entity that claimed a mobile; idempotent.</summary>
    public sealed record CreateUser(UserId UserId, string Mobile, ProfileFields Profile, DateTimeOffset CreatedAt) : IWithUserId;

    public sealed record GetProfile(UserId UserId) : IWithUserId;

    /// <summary>The seed's direct add: friendship both ways, idempotent.</summary>
    public sealed record AddFriend(UserId UserId, UserId FriendId) : IWithUserId;

    /// <summary>From the user entity of <paramref name="RequesterId"/>: record the other half of a friendship.</summary>
    public sealed record LinkFriend(UserId UserId, UserId RequesterId) : IWithUserId;

    public sealed record ListFriends(UserId UserId) : IWithUserId;

    public sealed record CreateRoom(UserId UserId, RoomFields Fields, int MaxOwnedRooms) : IWithUserId;

    public sealed record JoinRoom(UserId UserId, RoomId RoomId) : IWithUserId;

    public sealed record ListRooms(UserId UserId) : IWithUserId;

    /// <summary>
    /// A socket of this user opened; <paramref name="Connection"/> receives pushes until it stops or disconnects.
    /// A seed-000 socket (<paramref name="WantsBacklog"/>) is sent what the user missed while offline; a v2 socket resumes from its own cursors.
    /// </summary>
    public sealed record Connect(UserId UserId, IActorRef Connection, bool WantsBacklog = true) : IWithUserId;

    /// <summary>
    /// A socket closed; <paramref name="RoomMarks"/> are the last room sequence numbers it wrote, <paramref name="InboxMark"/> the last
    /// inbox sequence number (seed-000 sockets; 0 when it has none). With <paramref name="AckTo"/>, <see cref="UserReplies.DisconnectRecorded"/>
    /// is sent there once the marks are stored (graceful shutdown waits for it).
    /// </summary>
    public sealed record Disconnect(UserId UserId, IActorRef Connection, IReadOnlyDictionary<RoomId, long> RoomMarks, IActorRef? AckTo = null, long InboxMark = 0) : IWithUserId;

    /// <summary>
    /// A 1:1 message from this user, arriving on <paramref name="Origin"/>. <paramref name="ClientRef"/> is a seed-000
    /// client's numeric id for it; <paramref name="Cid"/> a v2 client's id, which makes a resend idempotent.
    /// </summary>
    public sealed record SendDirect(UserId UserId, UserId RecipientId, ChatPayload Payload, long ClientRef, IActorRef Origin, string Cid = "") : IWithUserId;

    /// <summary>From the sender's entity: store an incoming 1:1 message in this user's inbox and push it (once per (sender, cid)).</summary>
    public sealed record StoreIncomingDirect(UserId UserId, UserId SenderId, ChatPayload Payload, DateTimeOffset At, long Correlation, long MessageId, string Cid) : IWithUserId;
}

public static class UserReplies
{
    public sealed record UserCreatedAck(UserId UserId);

    public sealed record UserNotFound(UserId UserId);

    public sealed record ProfileReply(PublicProfile Profile);

    public sealed record UserRefused(string Reason);

    public sealed record FriendAdded(UserId UserId, UserId FriendId);

    public sealed record FriendLinked(UserId UserId, UserId RequesterId);

    public sealed record FriendList(IReadOnlyList<UserId> Friends);

    public sealed record RoomList(IReadOnlyList<RoomId> Rooms);

    public sealed record RoomCreated(RoomProfile Room);

    public sealed record RoomJoined(RoomProfile Room);

    /// <summary>Reply to <see cref="UserCommands.Connect"/>: what the socket needs to start, and what it missed while the user was offline.</summary>
    public sealed record Connected(UserId UserId, IReadOnlyList<RoomId> Rooms, IReadOnlyList<DirectMessage> Backlog, IReadOnlyDictionary<RoomId, long> RoomMarks, long InboxHead)
    {
        /// <summary>No other socket of the user was open: this one is the one to catch up on what the user missed.</summary>
        public bool FirstSocket { get; init; }

        /// <summary>
        /// For a v2 socket: the inbox sequence numbers of every recalled message, so its journal reads (which meet a message
        /// before its recall) deliver those as recalled slots. Later recalls reach the socket as pushes.
        /// </summary>
        public IReadOnlyList<long> RecalledInbox { get; init; } = [];

        /// <summary>For a v2 socket: the inbox's latest recalls, so its <c>sync</c> tells the device of those it may have missed.</summary>
        public IReadOnlyList<RecallNote> InboxRecalls { get; init; } = [];
    }

    /// <summary>The recipient's copy is stored (or was already); the sender's copy takes the same id and time.</summary>
    public sealed record DisconnectRecorded(UserId UserId);

    public sealed record IncomingDirectStored(UserId UserId, UserId SenderId, long Correlation, long Seq, long MessageId, DateTimeOffset At);
}

/// <summary>Messages a user or room entity sends to a connection actor.</summary>
public static partial class ConnectionPushes
{
    /// <summary>A 1:1 message for this user's device (incoming, or a copy of one sent from another device).</summary>
    public sealed record PushDirect(DirectMessage Message);

    /// <summary>The sender's own copy is stored: the message is durable on both sides.</summary>
    public sealed record DirectAccepted(long ClientRef, DirectMessage Message);

    public sealed record RoomAccepted(long ClientRef, RoomMessage Message);

    /// <summary>A message from this socket was refused; the socket stays open.</summary>
    public sealed record ChatRefused(long ClientRef, string Code, string Reason, string Cid = "");

    /// <summary>The user joined a room: open sockets start receiving it at once.</summary>
    public sealed record RoomMembershipAdded(RoomId RoomId, long Mark);
}
