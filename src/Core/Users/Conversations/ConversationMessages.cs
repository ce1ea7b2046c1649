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

public static partial class ConversationCommands
{
    /// <summary>
    /// The user read a conversation up to <paramref name="Seq"/>: an inbox sequence number for a 1:1 conversation,
    /// the room's sequence number for a room.
    /// </summary>
    public sealed record MarkRead(UserId UserId, ConversationId Conversation, long Seq, IActorRef Origin) : IWithUserId;

    public sealed record SetConversationFlags(UserId UserId, ConversationId Conversation, bool? Pinned, bool? Muted, IActorRef Origin) : IWithUserId;

    /// <summary>Everything the conversation list needs from the user entity; rooms add their heads.</summary>
    public sealed record GetConversations(UserId UserId) : IWithUserId;

    /// <summary>From a friend's entity: pass a read receipt to this user's sockets.</summary>
    public sealed record DeliverReceipt(UserId UserId, UserId ReaderId, long MessageId, DateTimeOffset ReadAt) : IWithUserId;
}

public static partial class ConversationEvents
{
    /// <summary>
    /// Read marker moved. <paramref name="IncomingRead"/> is, for a 1:1 conversation, how many incoming messages of
    /// that peer are at or below <paramref name="Seq"/> (computed when decided, so applying stays pure).
    /// </summary>
    public sealed record ConversationRead(ConversationId Conversation, long Seq, long IncomingRead) : IChatEvent;

    public sealed record ConversationFlagsSet(ConversationId Conversation, bool Pinned, bool Muted) : IChatEvent;
}

public static partial class ConversationReplies
{
    /// <summary>Pushed to all the user's sockets: a read marker moved and the conversation's unread count with it.</summary>
    public sealed record ReadMarkerMoved(ConversationId Conversation, long Seq, long Unread);

    public sealed record FlagsChanged(ConversationId Conversation, bool Pinned, bool Muted);

    /// <summary>One 1:1 conversation's summary as the user entity knows it.</summary>
    public sealed record PeerSummary(UserId Peer, DirectMessage? Last, bool LastRecalled, long Unread, bool Pinned, bool Muted);

    /// <summary>One room conversation as the user entity knows it; the room adds its head and last message.</summary>
    public sealed record RoomReadState(RoomId Room, long ReadThrough, bool Pinned, bool Muted);

    public sealed record ConversationsState(IReadOnlyList<PeerSummary> Peers, IReadOnlyList<RoomReadState> Rooms);

    public sealed record ReceiptArrived(UserId ReaderId, long MessageId, DateTimeOffset ReadAt);

    public sealed record ConversationRefused(string Code, string Reason, string Cid = "");
}

/// <summary>Asks an entity for the highest sequence number in its journal: where a backwards history scan starts.</summary>
public sealed record GetJournalHead(UserId UserId) : IWithUserId;

public sealed record GetRoomJournalHead(RoomId RoomId) : IWithRoomId;

public sealed record JournalHead(long SequenceNr);
