namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Rooms.RoomConversationCommands;
using static AkkaChat.Core.Rooms.RoomConversationEvents;
using static AkkaChat.Core.Rooms.RoomConversationReplies;

/// <summary>Recall and typing in a room.</summary>
public sealed partial class RoomEntity
{
    private void RegisterConversationCommands()
    {
        Command<GetRoomJournalHead>(_ => Sender.Tell(new JournalHead(LastSequenceNr)));
        Command<RecallRoomMessage>(HandleRecall);
        Command<GetRoomRecalls>(cmd => Sender.Tell(_state.Exists ? new RoomRecalls(cmd.RoomId, _state.Seq, _state.RecalledAfter(cmd.AfterSeq)) { Missed = RecallNote.MissedBy(_state.RecentRecalls, cmd.AfterSeq) } : new RoomReplies.RoomNotFound(cmd.RoomId)));
        Command<RoomTyping>(t =>
        {
            if (_state.Members.Contains(t.UserId)) Publish(new RoomTypingPublished(t.RoomId, t.UserId));
        });
    }

    private void HandleRecall(RecallRoomMessage cmd)
    {
        var (message, code, refusal) = _state.DecideRecall(cmd.SenderId, cmd.Seq, DateTimeOffset.UtcNow);
        if (message is null)
        {
            cmd.Origin.Tell(new ConversationReplies.ConversationRefused(code!, refusal!, cmd.Cid));
            return;
        }
        var notice = new RoomRecallPublished(message.RoomId, message.Seq, message.MessageId);
        if (_state.IsRecalledSeq(message.Seq))
        {
            cmd.Origin.Tell(notice);
            return;
        }
        PersistAndApply(new RoomMessageRecalled(message.Seq, message.MessageId, DateTimeOffset.UtcNow), () => Publish(notice));
    }
}
