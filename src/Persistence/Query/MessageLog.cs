namespace AkkaChat.Persistence.Query;

using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams.Dsl;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>
/// Reads stored messages back from the journal (Akka.Persistence.Query), for resume and history:
/// streamed in the read journal's batches, never loaded whole into memory.
/// </summary>
public sealed class MessageLog(ActorSystem system)
{
    private readonly SqlReadJournal _journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);

    /// <summary>
    /// The user's inbox messages with sequence number above <paramref name="afterSeq"/>, in order, up to the journal's
    /// current end. Every inbox message is one journal event, so its journal position is at least its inbox sequence
    /// number: reading from <c>afterSeq + 1</c> never misses one.
    /// </summary>
    public Source<DirectMessage, NotUsed> InboxAfter(UserId user, long afterSeq) =>
        _journal.CurrentEventsByPersistenceId("user-" + user, afterSeq + 1, long.MaxValue)
            .Collect(e => e.Event is UserEvents.DirectMessageStored stored && stored.Message.Seq > afterSeq, e => ((UserEvents.DirectMessageStored)e.Event).Message);

    /// <summary>The room's messages with sequence number above <paramref name="afterSeq"/>, in order (same reasoning as the inbox).</summary>
    public Source<RoomMessage, NotUsed> RoomAfter(RoomId room, long afterSeq) =>
        _journal.CurrentEventsByPersistenceId("room-" + room, afterSeq + 1, long.MaxValue)
            .Collect(e => e.Event is RoomEvents.RoomMessageStored stored && stored.Message.Seq > afterSeq, e => ((RoomEvents.RoomMessageStored)e.Event).Message);
}
