namespace AkkaChat.Core.Users;

using Akka.Actor;
using static AkkaChat.Core.Users.ConversationCommands;
using static AkkaChat.Core.Users.ConversationReplies;

/// <summary>Conversations: read markers (and the receipts they send), pin/mute, the conversation list, journal heads.</summary>
public sealed partial class UserEntity
{
    private void RegisterConversationCommands()
    {
        Command<MarkRead>(c => ExecuteForSockets(State.Decide(c, DateTimeOffset.UtcNow), c.Origin));
        Command<SetConversationFlags>(c => ExecuteForSockets(State.Decide(c), c.Origin));
        Command<GetConversations>(c => Execute(State.Decide(c), Sender));
        Command<GetJournalHead>(_ => Sender.Tell(new JournalHead(StoredSequenceNr)));
        Command<DeliverReceipt>(r => PushToAll(new ReceiptArrived(r.ReaderId, r.MessageId, r.ReadAt)));
    }
}
