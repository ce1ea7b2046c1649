namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static class RoomCommands
{
    /// <summary>From the creator's user entity; idempotent. The owner is the first member.</summary>
    public sealed record CreateRoomLog(RoomId RoomId, UserId OwnerId, RoomFields Fields, DateTimeOffset At) : IWithRoomId;

    /// <summary>From the joining user's entity; idempotent.</summary>
    public sealed record AddMember(RoomId RoomId, UserId UserId) : IWithRoomId;

    public sealed record GetRoom(RoomId RoomId) : IWithRoomId;

    /// <summary>
    /// A room message from <paramref name="SenderId"/>'s socket <paramref name="Origin"/>. <paramref name="ReplyTag"/> is an opaque
    /// number the connection attaches to a send and gets back on its answer.
    /// </summary>
    public sealed record SendRoomMessage(RoomId RoomId, UserId SenderId, ChatPayload Payload, long ReplyTag, IActorRef Origin, string Cid = "") : IWithRoomId;

    /// <summary>A member's socket asks for the messages after <paramref name="AfterSeq"/>, oldest first.</summary>
    public sealed record FetchRoomMessages(RoomId RoomId, UserId Member, long AfterSeq, int Max) : IWithRoomId;
}

public static class RoomEvents
{
    public sealed record RoomCreated(RoomId RoomId, UserId OwnerId, RoomFields Fields, DateTimeOffset CreatedAt) : IChatEvent;

    public sealed record MemberJoined(UserId UserId, DateTimeOffset At) : IChatEvent;

    public sealed record RoomMessageStored(RoomMessage Message) : IChatEvent;

    public sealed record RoomSnapshot(
        RoomProfile Profile,
        IReadOnlyList<UserId> Members,
        long Seq,
        IReadOnlyList<RoomMessage> Recent) : IChatEvent
    {
        /// <summary>Message ids of recalls within the recent tail: what snapshots held before <see cref="RecalledSeqs"/> (read, no longer written).</summary>
        public IReadOnlyList<long> RecalledMessages { get; init; } = [];

        /// <summary>Sequence numbers of every recalled message of the room.</summary>
        public IReadOnlyList<long> RecalledSeqs { get; init; } = [];

        /// <summary>The room's latest recalls (<see cref="RoomState.RecentRecalls"/>).</summary>
        public IReadOnlyList<RecallNote> RecentRecalls { get; init; } = [];

        /// <summary>Former members whose user entity has not confirmed leaving yet.</summary>
        public IReadOnlyList<UserId> PendingUnlinks { get; init; } = [];

        /// <summary>Users whose entity has not recorded whether it owns the room yet, with what it must record.</summary>
        public IReadOnlyDictionary<UserId, bool> PendingOwnership { get; init; } = new Dictionary<UserId, bool>();
    }
}

public static class RoomReplies
{
    /// <summary><paramref name="Member"/> belongs to the room; <paramref name="Mark"/> is the room's sequence number when they joined.</summary>
    public sealed record MembershipConfirmed(RoomProfile Room, UserId Member, long Mark);

    /// <summary>To a user entity's join (<see cref="RoomCommands.AddMember"/>): the room does not exist. Other askers get a <see cref="Refused"/>.</summary>
    public sealed record RoomNotFound(RoomId RoomId);

    /// <summary>The room's profile and size, and <paramref name="Head"/>, the sequence number of its newest message.</summary>
    public sealed record RoomInfo(RoomProfile Room, int MemberCount, long Head)
    {
        /// <summary>The newest message, if any (for conversation lists).</summary>
        public RoomMessage? Last { get; init; }

        public bool LastRecalled { get; init; }
    }

    public sealed record RoomMessages(RoomId RoomId, IReadOnlyList<RoomMessage> Messages, long HeadSeq);
}

/// <summary>A stored room message on its way to the sockets of one node. Sent once per node, not per member.</summary>
public sealed record RoomMessagePublished(RoomMessage Message, IActorRef? Origin);

/// <summary>Node-local: a socket wants (or no longer wants) a room's messages.</summary>
public static class RoomFanoutCommands
{
    public sealed record SubscribeRoom(RoomId RoomId, IActorRef Connection) : INoSerializationVerificationNeeded;

    public sealed record UnsubscribeAll(IActorRef Connection) : INoSerializationVerificationNeeded;

    /// <summary>A socket of <paramref name="UserId"/> is on this node: presence and typing for that user are forwarded from here.</summary>
    public sealed record SubscribeUser(UserId UserId, IActorRef Connection) : INoSerializationVerificationNeeded;

    /// <summary>The socket's user left the room or was removed from it.</summary>
    public sealed record UnsubscribeRoom(RoomId RoomId, IActorRef Connection) : INoSerializationVerificationNeeded;

    /// <summary>
    /// To a subscribed socket: the room has this node subscribed, and every message stored after <paramref name="Head"/>
    /// reaches the socket live; what it needs up to <paramref name="Head"/> it reads from the room or the journal. Sent again
    /// when a restarted room entity re-learns the node.
    /// </summary>
    public sealed record RoomLive(RoomId RoomId, long Head) : INoSerializationVerificationNeeded;

    /// <summary>For tests and diagnostics: how much room traffic reached this node.</summary>
    public sealed record GetFanoutStats : INoSerializationVerificationNeeded
    {
        public static readonly GetFanoutStats Instance = new();
    }

    /// <param name="RoomMessagesReceived">Room messages published to this node since it started.</param>
    /// <param name="SubscribedRooms">Rooms this node has local sockets for.</param>
    public sealed record FanoutStats(long RoomMessagesReceived, int SubscribedRooms) : INoSerializationVerificationNeeded;
}
