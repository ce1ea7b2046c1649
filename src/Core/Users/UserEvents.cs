namespace AkkaChat.Core.Users;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static class UserEvents
{
    public sealed record UserCreated(UserId UserId, string Mobile, ProfileFields Profile, DateTimeOffset CreatedAt) : IChatEvent;

    /// <summary>Friendship with <paramref name="FriendId"/> was asked for; its other half is being recorded (resumed after a crash).</summary>
    public sealed record FriendLinkStarted(UserId FriendId) : IChatEvent;

    public sealed record FriendAdded(UserId FriendId) : IChatEvent;

    /// <summary>The other user does not exist; the pending link is dropped.</summary>
    public sealed record FriendLinkAbandoned(UserId FriendId) : IChatEvent;

    /// <summary>
    /// Joining (or, with <paramref name="Create"/>, creating) <paramref name="RoomId"/> was started;
    /// the room's side is being recorded (resumed after a crash).
    /// </summary>
    public sealed record RoomLinkStarted(RoomId RoomId, RoomFields? Create) : IChatEvent;

    /// <summary>The user is a member; <paramref name="Mark"/> is the room's sequence number at the join.</summary>
    public sealed record RoomLinked(RoomId RoomId, bool Owner, long Mark) : IChatEvent;

    public sealed record RoomLinkAbandoned(RoomId RoomId) : IChatEvent;

    /// <summary>A 1:1 message stored in this user's inbox (incoming or outgoing copy).</summary>
    public sealed record DirectMessageStored(DirectMessage Message) : IChatEvent;

    /// <summary>Every inbox message up to <paramref name="UpTo"/> reached at least one of the user's sockets.</summary>
    public sealed record InboxDelivered(long UpTo) : IChatEvent;

    /// <summary>The user's sockets delivered room messages up to these sequence numbers.</summary>
    public sealed record RoomMarksAdvanced(IReadOnlyDictionary<RoomId, long> Marks) : IChatEvent;

    /// <summary>The whole state of a user, written every so many events to bound recovery time.</summary>
    public sealed record UserSnapshot(
        UserId UserId,
        string Mobile,
        ProfileFields Profile,
        DateTimeOffset CreatedAt,
        IReadOnlyList<UserId> Friends,
        IReadOnlyList<UserId> PendingFriends,
        IReadOnlyList<RoomId> Rooms,
        IReadOnlyList<RoomId> OwnedRooms,
        IReadOnlyList<RoomLinkStarted> PendingRooms,
        long InboxSeq,
        long DeliveredThrough,
        IReadOnlyList<DirectMessage> RecentInbox,
        IReadOnlyDictionary<RoomId, long> RoomMarks) : IChatEvent
    {
        public IReadOnlyDictionary<UserId, PeerConversation> Peers { get; init; } = new Dictionary<UserId, PeerConversation>();
        public IReadOnlyDictionary<RoomId, long> RoomReads { get; init; } = new Dictionary<RoomId, long>();
        public IReadOnlyDictionary<ConversationId, ConversationFlags> Flags { get; init; } = new Dictionary<ConversationId, ConversationFlags>();
        /// <summary>Message ids of recalls within the recent inbox: what snapshots held before <see cref="RecalledSeqs"/> (read, no longer written).</summary>
        public IReadOnlyList<long> RecalledMessages { get; init; } = [];

        /// <summary>Inbox sequence numbers of every recalled message.</summary>
        public IReadOnlyList<long> RecalledSeqs { get; init; } = [];

        /// <summary>The inbox's latest recalls (<see cref="UserState.RecentRecalls"/>).</summary>
        public IReadOnlyList<RecallNote> RecentRecalls { get; init; } = [];

        /// <summary>Friend requests, pending removals and blocks.</summary>
        public UserContactsSnapshot Contacts { get; init; } = UserContactsSnapshot.Empty;

        public long SessionGeneration { get; init; }
    }
}
