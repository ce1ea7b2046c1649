namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Rooms.RoomConversationCommands;
using static AkkaChat.Core.Rooms.RoomConversationEvents;

/// <summary>Recall and typing in a room.</summary>
public sealed partial class RoomEntity
{
    private void RegisterConversationCommands()
    {
        Command<GetRoomJournalHead>(_ => Sender.Tell(new JournalHead(StoredSequenceNr)));
        Command<RecallRoomMessage>(HandleRecall);
        Command<GetRoomRecalls>(cmd => Execute(State.Decide(cmd), Sender));
        Command<RoomTyping>(t =>
        {
            if (State.Members.Contains(t.UserId)) Publish(new RoomTypingPublished(t.RoomId, t.UserId));
        });
    }

    private void HandleRecall(RecallRoomMessage cmd)
    {
        var decision = State.Decide(cmd, DateTimeOffset.UtcNow);
        if (decision.SingleEvent is RoomMessageRecalled recalled)
            Execute(decision, cmd.Origin, () => Publish(new RoomRecallPublished(cmd.RoomId, recalled.Seq, recalled.MessageId)));
        else
            Execute(decision, cmd.Origin);
    }
}
