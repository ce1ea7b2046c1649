namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

/// <summary>
/// A conversation as clients name it: <c>u{peer}</c> for the 1:1 conversation with a friend, <c>r{room}</c> for a room.
/// </summary>
public readonly record struct ConversationId(UserId? Peer, RoomId? Room)
{
    public static ConversationId With(UserId peer) => new(peer, null);

    public static ConversationId In(RoomId room) => new(null, room);

    public bool IsRoom => Room is not null;

    public static bool TryParse(string? text, out ConversationId id)
    {
        id = default;
        if (text is not { Length: >= 2 } || !long.TryParse(text.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
            return false;
        id = text[0] switch
        {
            'u' => With(new UserId(n)),
            'r' => In(new RoomId(n)),
            _ => default,
        };
        return id.Peer is not null || id.Room is not null;
    }

    public override string ToString() => Room is { } r ? "r" + r : "u" + Peer!.Value;
}

public static class ConversationCommands
{
    /// <summary>
    /// The user read a conversation up to <paramref name="Seq"/>: an inbox sequence number for a 1:1 conversation,
    /// the room's sequence number for a room.
    /// </summary>
    public sealed record MarkRead(UserId UserId, ConversationId Conversation, long Seq, IActorRef Origin) : IWithUserId;

    public sealed record SetConversationFlags(UserId UserId, ConversationId Conversation, bool? Pinned, bool? Muted, IActorRef Origin) : IWithUserId;

    /// <summary>Everything the conversation list needs from the user entity; rooms add their heads.</summary>
    public sealed record GetConversations(UserId UserId) : IWithUserId;

    /// <summary>Recall this user's own 1:1 message <paramref name="Seq"/> (in their own inbox stream).</summary>
    public sealed record RecallDirect(UserId UserId, long Seq, string Cid, IActorRef Origin) : IWithUserId;

    /// <summary>From the sender's entity: mark the incoming copy of <paramref name="MessageId"/> recalled.</summary>
    public sealed record RecallIncoming(UserId UserId, UserId SenderId, long MessageId) : IWithUserId;

    /// <summary>From a friend's entity: pass a read receipt to this user's sockets.</summary>
    public sealed record DeliverReceipt(UserId UserId, UserId ReaderId, long MessageId, DateTimeOffset ReadAt) : IWithUserId;

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

public static class ConversationEvents
{
    /// <summary>
    /// Read marker moved. <paramref name="IncomingRead"/> is, for a 1:1 conversation, how many incoming messages of
    /// that peer are at or below <paramref name="Seq"/> (computed when decided, so applying stays pure).
    /// </summary>
    public sealed record ConversationRead(ConversationId Conversation, long Seq, long IncomingRead) : IChatEvent;

    public sealed record ConversationFlagsSet(ConversationId Conversation, bool Pinned, bool Muted) : IChatEvent;

    /// <summary>The inbox message <paramref name="Seq"/> (id <paramref name="MessageId"/>) was recalled by its sender.</summary>
    public sealed record DirectMessageRecalled(long Seq, long MessageId, DateTimeOffset At) : IChatEvent;
}

public static class ConversationReplies
{
    /// <summary>Pushed to all the user's sockets: a read marker moved and the conversation's unread count with it.</summary>
    public sealed record ReadMarkerMoved(ConversationId Conversation, long Seq, long Unread);

    public sealed record FlagsChanged(ConversationId Conversation, bool Pinned, bool Muted);

    /// <summary>One 1:1 conversation's summary as the user entity knows it.</summary>
    public sealed record PeerSummary(UserId Peer, DirectMessage? Last, bool LastRecalled, long Unread, bool Pinned, bool Muted);

    /// <summary>One room conversation as the user entity knows it; the room adds its head and last message.</summary>
    public sealed record RoomReadState(RoomId Room, long ReadThrough, bool Pinned, bool Muted);

    public sealed record ConversationsState(IReadOnlyList<PeerSummary> Peers, IReadOnlyList<RoomReadState> Rooms);

    /// <summary>Pushed to the sockets of a user whose message was recalled, or who recalled it on another device.</summary>
    public sealed record MessageRecalled(ConversationId Stream, long Seq, long MessageId);

    public sealed record ReceiptArrived(UserId ReaderId, long MessageId, DateTimeOffset ReadAt);

    public sealed record TypingArrived(ConversationId Conversation, UserId FromId);

    public sealed record PresenceArrived(UserId FriendId, bool Online);

    /// <summary>The presence snapshot a v2 socket sends after <c>synced</c>: friends online as far as this entity knows.</summary>
    public sealed record OnlineFriends(IReadOnlyList<UserId> Friends);

    public sealed record ConversationRefused(string Code, string Reason, string Cid = "");
}

/// <summary>Asks an entity for the highest sequence number in its journal: where a backwards history scan starts.</summary>
public sealed record GetJournalHead(UserId UserId) : IWithUserId;

public sealed record GetRoomJournalHead(RoomId RoomId) : IWithRoomId;

public sealed record JournalHead(long SequenceNr);

/// <summary>
/// A user's first socket opened: published once to each node's fan-out, which forwards it only to the friends that have
/// a socket on that node — an offline friend's entity is never woken for it. The friends reached answer, so from then on
/// the user's entity knows which friends are online and tells them directly.
/// </summary>
public sealed record PresencePublished(UserId UserId, bool Online, IReadOnlyList<UserId> Friends);
