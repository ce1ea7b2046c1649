namespace AkkaChat.Core.Rooms;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Rooms.RoomConversationEvents;

/// <summary>Recalls in a room.</summary>
public sealed partial record RoomState
{
    /// <summary>
    /// Sequence numbers of every recalled message of the room, however old: a forward read of the journal meets a message
    /// before its recall, so readers filter against this. One number per recall, kept in snapshots.
    /// </summary>
    public ImmutableSortedSet<long> RecalledSeqs { get; init; } = [];

    /// <summary>The room's latest recalls, for devices that held the message and were away when it was recalled.</summary>
    public ImmutableList<RecallNote> RecentRecalls { get; init; } = [];

    public bool IsRecalledSeq(long seq) => RecalledSeqs.Contains(seq);

    /// <summary>The recalled sequence numbers above <paramref name="afterSeq"/>, ascending.</summary>
    public IReadOnlyList<long> RecalledAfter(long afterSeq) =>
        afterSeq >= Seq ? [] : [.. RecalledSeqs.SkipWhile(seq => seq <= afterSeq)];

    /// <summary>The newest message, for the conversation list.</summary>
    public RoomMessage? Last => Recent.LastOrDefault();

    public (RoomMessage? Message, string? Code, string? Refusal) DecideRecall(UserId sender, long seq, DateTimeOffset now)
    {
        if (!Exists) return (null, "no-room", "room does not exist");
        if (!Members.Contains(sender)) return (null, "not-member", "you are not a member of this room");
        var message = Recent.FirstOrDefault(m => m.Seq == seq);
        if (message is null) return (null, seq > Seq || seq <= 0 ? "no-such-message" : "recall-expired", seq > Seq || seq <= 0 ? $"the room has no message {seq}" : "the message is too old to recall");
        if (message.SenderId != sender) return (null, "not-yours", "you can only recall your own messages");
        if (IsRecalledSeq(message.Seq)) return (message, null, null);
        if (now - message.At > UserState.RecallWindow) return (null, "recall-expired", $"messages can be recalled for {UserState.RecallWindow.TotalMinutes:0} minutes");
        return (message, null, null);
    }

    private RoomState ApplyRecall(RoomMessageRecalled r) => IsRecalledSeq(r.Seq) ? this : this with
    {
        RecalledSeqs = RecalledSeqs.Add(r.Seq),
        RecentRecalls = RecallNote.Append(RecentRecalls, new RecallNote(r.Seq, r.MessageId, Seq)),
    };
}
