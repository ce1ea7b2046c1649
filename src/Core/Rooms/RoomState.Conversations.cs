namespace AkkaChat.Core.Rooms;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Rooms.RoomConversationEvents;

/// <summary>Recalls in a room.</summary>
public sealed partial record RoomState
{
    public DedupeWindow<long, long> Recalled { get; init; } = DedupeWindow<long, long>.Empty(RecentCapacity);

    public bool IsRecalled(long messageId) => messageId != 0 && Recalled.TryGet(messageId, out _);

    /// <summary>The newest message, for the conversation list.</summary>
    public RoomMessage? Last => Recent.LastOrDefault();

    public (RoomMessage? Message, string? Code, string? Refusal) DecideRecall(UserId sender, long seq, DateTimeOffset now)
    {
        if (!Exists) return (null, "no-room", "room does not exist");
        if (!Members.Contains(sender)) return (null, "not-member", "you are not a member of this room");
        var message = Recent.FirstOrDefault(m => m.Seq == seq);
        if (message is null) return (null, seq > Seq || seq <= 0 ? "no-such-message" : "recall-expired", seq > Seq || seq <= 0 ? $"the room has no message {seq}" : "the message is too old to recall");
        if (message.SenderId != sender) return (null, "not-yours", "you can only recall your own messages");
        if (IsRecalled(message.MessageId)) return (message, null, null);
        if (now - message.At > UserState.RecallWindow) return (null, "recall-expired", $"messages can be recalled for {UserState.RecallWindow.TotalMinutes:0} minutes");
        return (message, null, null);
    }

    private RoomState ApplyRecall(RoomMessageRecalled r) => this with { Recalled = Recalled.Add(r.MessageId, r.Seq) };
}
