namespace AkkaChat.Core.Users;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

/// <summary>Persisted contact changes of a user: friend requests, friend removal, blocks, and leaving room links.</summary>
public interface IContactEvent : IChatEvent;

public static partial class UserEvents
{
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
        IReadOnlyList<InboxEntry> RecentInbox,
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
