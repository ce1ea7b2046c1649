namespace AkkaChat.Core.Rooms;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Rooms.RoomConversationCommands;
using static AkkaChat.Core.Rooms.RoomConversationEvents;
using static AkkaChat.Core.Rooms.RoomConversationReplies;

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

    /// <summary>
    /// The sender recalls their message within <see cref="UserState.RecallWindow"/>: stored, then published like a message. A
    /// refusal is a <see cref="ConversationRefused"/> for the socket; a recall already stored is answered with its notice.
    /// </summary>
    public Decision Decide(RecallRoomMessage cmd, DateTimeOffset now)
    {
        if (!Exists) return RefuseRecall(cmd, RefusalCodes.NoRoom, "room does not exist");
        if (!Members.Contains(cmd.SenderId)) return RefuseRecall(cmd, RefusalCodes.NotMember, "you are not a member of this room");
        var message = Recent.FirstOrDefault(m => m.Seq == cmd.Seq);
        if (message is null)
        {
            return cmd.Seq > Seq || cmd.Seq <= 0
                ? RefuseRecall(cmd, RefusalCodes.NoSuchMessage, $"the room has no message {cmd.Seq}")
                : RefuseRecall(cmd, RefusalCodes.RecallExpired, "the message is too old to recall");
        }
        if (message.SenderId != cmd.SenderId) return RefuseRecall(cmd, RefusalCodes.NotYours, "you can only recall your own messages");
        if (IsRecalledSeq(message.Seq)) return Decision.Reply(new RoomRecallPublished(message.RoomId, message.Seq, message.MessageId));
        if (now - message.At > UserState.RecallWindow)
            return RefuseRecall(cmd, RefusalCodes.RecallExpired, $"messages can be recalled for {UserState.RecallWindow.TotalMinutes:0} minutes");
        return Decision.Store(new RoomMessageRecalled(message.Seq, message.MessageId, now));
    }

    /// <summary>A v2 socket about to read the journal: the recalls it has to know of.</summary>
    public Decision Decide(GetRoomRecalls cmd) => Exists
        ? Decision.Reply(new RoomRecalls(cmd.RoomId, Seq, RecalledAfter(cmd.AfterSeq)) { Missed = RecallNote.MissedBy(RecentRecalls, cmd.AfterSeq) })
        : NotFound(cmd.RoomId);

    private static Decision RefuseRecall(RecallRoomMessage cmd, string code, string reason) =>
        Decision.Reply(new ConversationReplies.ConversationRefused(code, reason, cmd.Cid));

    private RoomState ApplyRecall(RoomMessageRecalled r) => IsRecalledSeq(r.Seq) ? this : this with
    {
        RecalledSeqs = RecalledSeqs.Add(r.Seq),
        RecentRecalls = RecallNote.Append(RecentRecalls, new RecallNote(r.Seq, r.MessageId, Seq)),
    };
}
