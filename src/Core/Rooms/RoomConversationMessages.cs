namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static class RoomConversationCommands
{
    /// <summary>The sender recalls their room message <paramref name="Seq"/>.</summary>
    public sealed record RecallRoomMessage(RoomId RoomId, UserId SenderId, long Seq, string Cid, IActorRef Origin) : IWithRoomId;

    /// <summary>Ephemeral: a member is typing in the room. Published to the fan-out, never persisted.</summary>
    public sealed record RoomTyping(RoomId RoomId, UserId UserId) : IWithRoomId;

    /// <summary>A v2 socket about to read the room's journal from <paramref name="AfterSeq"/>: which of those messages are recalled.</summary>
    public sealed record GetRoomRecalls(RoomId RoomId, long AfterSeq) : IWithRoomId;
}

public static class RoomConversationReplies
{
    /// <summary>The room's head and the recalled sequence numbers above the asked one, ascending.</summary>
    public sealed record RoomRecalls(RoomId RoomId, long Head, IReadOnlyList<long> Seqs)
    {
        /// <summary>Recalls at or below the asked sequence number that a device there may have missed (<see cref="RecallNote.MissedBy"/>).</summary>
        public IReadOnlyList<RecallNote> Missed { get; init; } = [];
    }
}

public static class RoomConversationEvents
{
    public sealed record RoomMessageRecalled(long Seq, long MessageId, DateTimeOffset At) : IChatEvent;
}

/// <summary>A room message was recalled: published once per node like a message.</summary>
public sealed record RoomRecallPublished(RoomId RoomId, long Seq, long MessageId);

/// <summary>A member is typing: published once per node, pushed to the room's local sockets.</summary>
public sealed record RoomTypingPublished(RoomId RoomId, UserId UserId);
