namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static partial class UserCommands
{
    /// <summary>
    /// A socket of this user opened; <paramref name="Connection"/> receives pushes until it stops or disconnects.
    /// With <paramref name="ReplayUndelivered"/> the first socket is told where the inbox messages past the delivery cursor
    /// (what the user missed while offline) start; a socket that resumes from its own cursors asks for nothing.
    /// A socket that names its device (seed-003's <c>device_id</c>; 0 for one that does not) holds it: of the user's
    /// sockets of one <paramref name="Device"/>, on any node, the one most recently <paramref name="SignedAt"/> stays and
    /// the other is told <see cref="ConnectionPushes.SignedInElsewhere"/>. By sign time, not by the order sockets register:
    /// all of them register again, in no particular order, after the entity moved. Both default, so a node of the previous
    /// version (which sends neither) registers sockets that hold no device.
    /// </summary>
    public sealed record Connect(UserId UserId, IActorRef Connection, bool ReplayUndelivered = true, long Device = 0, DateTimeOffset SignedAt = default) : IWithUserId;

    /// <summary>
    /// A socket closed; <paramref name="RoomMarks"/> are the last room sequence numbers it wrote, <paramref name="DeliveredThrough"/> the last
    /// inbox sequence number it wrote, which moves the delivery cursor (0 when the socket keeps no such cursor). With <paramref name="AckTo"/>, <see cref="UserReplies.DisconnectRecorded"/>
    /// is sent there once the marks are stored (graceful shutdown waits for it).
    /// </summary>
    public sealed record Disconnect(UserId UserId, IActorRef Connection, IReadOnlyDictionary<RoomId, long> RoomMarks, IActorRef? AckTo = null, long DeliveredThrough = 0) : IWithUserId;
}

public static partial class UserEvents
{
    /// <summary>The user's sockets delivered room messages up to these sequence numbers.</summary>
    public sealed record RoomMarksAdvanced(IReadOnlyDictionary<RoomId, long> Marks) : IChatEvent;
}

public static partial class UserReplies
{
    /// <summary>
    /// Reply to <see cref="UserCommands.Connect"/>: what the socket needs to start, and where what the user missed while
    /// offline starts. The socket reads those messages from the journal after <paramref name="BacklogAfter"/> (equal to
    /// <paramref name="InboxHead"/> when there is nothing to replay), so no message body travels in this reply.
    /// </summary>
    public sealed record Connected(UserId UserId, IReadOnlyList<RoomId> Rooms, long BacklogAfter, IReadOnlyDictionary<RoomId, long> RoomMarks, long InboxHead)
    {
        /// <summary>No other socket of the user was open: this one is the one to catch up on what the user missed.</summary>
        public bool FirstSocket { get; init; }

        /// <summary>
        /// Inbox sequence numbers of recalled messages, so the socket's journal reads (which meet a message before its recall)
        /// deliver those as recalled slots (v2, seed-003: every one) or not at all (seed-000: those past the delivery cursor,
        /// where its backlog starts or above). Later recalls reach the socket as pushes.
        /// </summary>
        public IReadOnlyList<long> RecalledInbox { get; init; } = [];

        /// <summary>For a v2 socket: the inbox's latest recalls, so its <c>sync</c> tells the device of those it may have missed.</summary>
        public IReadOnlyList<RecallNote> InboxRecalls { get; init; } = [];
    }

    /// <summary>The socket's marks are stored (graceful shutdown waits for this).</summary>
    public sealed record DisconnectRecorded(UserId UserId);
}

public static partial class ConversationCommands
{
    /// <summary>Ephemeral: <paramref name="FromId"/> is typing to this user. Never persisted.</summary>
    public sealed record DeliverTyping(UserId UserId, UserId FromId) : IWithUserId;

    /// <summary>Ephemeral: a friend's online state changed (all of their devices counted).</summary>
    public sealed record DeliverPresence(UserId UserId, UserId FriendId, bool Online) : IWithUserId;

    /// <summary>From this user's socket: they are typing to <paramref name="PeerId"/>; the entity passes it on if the peer is online.</summary>
    public sealed record SendTyping(UserId UserId, UserId PeerId) : IWithUserId;

    /// <summary>
    /// From a friend's entity: whether <paramref name="FriendId"/> has sockets, so this entity knows where typing and its
    /// own presence changes must go. Routing only: never pushed to sockets.
    /// </summary>
    public sealed record NoteFriendPresence(UserId UserId, UserId FriendId, bool Online) : IWithUserId;

    /// <summary>Ephemeral: which friends this user's entity knows to be online; answered with <see cref="ConversationReplies.OnlineFriends"/>.</summary>
    public sealed record GetOnlineFriends(UserId UserId) : IWithUserId;
}

public static partial class ConversationReplies
{
    public sealed record TypingArrived(ConversationId Conversation, UserId FromId);

    public sealed record PresenceArrived(UserId FriendId, bool Online);

    /// <summary>The presence snapshot a v2 socket sends after <c>synced</c>: friends online as far as this entity knows.</summary>
    public sealed record OnlineFriends(IReadOnlyList<UserId> Friends);
}

public static partial class ConnectionPushes
{
    public sealed record RoomAccepted(long ReplyTag, RoomMessage Message);

    /// <summary>
    /// The same device of the user signed on a socket signed later (on this node or another): this one closes (seed-003:
    /// 1008 "signed in again from another connection of the same device"; TCP: ended). See <see cref="UserCommands.Connect"/>.
    /// </summary>
    public sealed record SignedInElsewhere
    {
        public static readonly SignedInElsewhere Instance = new();
    }
}

/// <summary>
/// A user's first socket opened: published once to each node's fan-out, which forwards it only to the friends that have
/// a socket on that node — an offline friend's entity is never woken for it. The friends reached answer, so from then on
/// the user's entity knows which friends are online and tells them directly.
/// </summary>
public sealed record PresencePublished(UserId UserId, bool Online, IReadOnlyList<UserId> Friends);
