namespace AkkaChat.Persistence.Query;

using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
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

    /// <summary>
    /// Reads an inbox no user has, to the end: the read journal builds its queries on the first read (a few hundred ms),
    /// which is then paid at start-up rather than by the first socket that reads (a seed-000 backlog, a v2 sync). It runs
    /// on the system's shared materializer, which must not be shut down here (Akka.IO's TCP streams use it too).
    /// </summary>
    public Task WarmUpAsync() => InboxAfter(new UserId(0), 0).RunWith(Sink.Ignore<DirectMessage>(), system.Materializer());

    /// <summary>The room's messages with sequence number above <paramref name="afterSeq"/>, in order (same reasoning as the inbox).</summary>
    public Source<RoomMessage, NotUsed> RoomAfter(RoomId room, long afterSeq) =>
        _journal.CurrentEventsByPersistenceId("room-" + room, afterSeq + 1, long.MaxValue)
            .Collect(e => e.Event is RoomEvents.RoomMessageStored stored && stored.Message.Seq > afterSeq, e => ((RoomEvents.RoomMessageStored)e.Event).Message);

    /// <summary>1:1 history of <paramref name="user"/> with <paramref name="peer"/>, before inbox sequence number <paramref name="before"/>.</summary>
    public Task<HistoryPage<DirectMessage>> InboxHistoryAsync(UserId user, UserId peer, long journalHead, long before, int limit, IMaterializer materializer) =>
        PageBeforeAsync(
            "user-" + user, journalHead, before, limit,
            e => (e as UserEvents.DirectMessageStored)?.Message, m => m.Seq, m => m.MessageId,
            e => (e as ConversationEvents.DirectMessageRecalled)?.MessageId,
            m => m.SenderId == peer || m.RecipientId == peer, materializer);

    /// <summary>A room's history before room sequence number <paramref name="before"/>.</summary>
    public Task<HistoryPage<RoomMessage>> RoomHistoryAsync(RoomId room, long journalHead, long before, int limit, IMaterializer materializer) =>
        PageBeforeAsync(
            "room-" + room, journalHead, before, limit,
            e => (e as RoomEvents.RoomMessageStored)?.Message, m => m.Seq, m => m.MessageId,
            e => (e as RoomConversationEvents.RoomMessageRecalled)?.MessageId,
            _ => true, materializer);

    /// <summary>Journal events examined per backwards step, and at most this many steps per page.</summary>
    public const int ScanWindow = 256;
    public const int MaxScanWindows = 40;

    /// <summary>
    /// A page of history: up to <paramref name="limit"/> messages of <paramref name="persistenceId"/>'s journal with a stream
    /// sequence number below <paramref name="before"/> that match <paramref name="include"/>, oldest first. The journal is
    /// scanned backwards from <paramref name="journalHead"/> in windows of <see cref="ScanWindow"/> events (at most
    /// <see cref="MaxScanWindows"/> per page), so memory stays bounded however long the history. Recalls are seen
    /// before the messages they recall (they are written later), so recalled messages come back marked.
    /// </summary>
    private async Task<HistoryPage<T>> PageBeforeAsync<T>(
        string persistenceId, long journalHead, long before, int limit, Func<object, T?> select, Func<T, long> seqOf, Func<T, long> idOf,
        Func<object, long?> recalledIdOf, Func<T, bool> include, IMaterializer materializer) where T : class
    {
        var found = new List<T>();
        var recalled = new HashSet<long>();
        var high = journalHead;
        var lowestSeen = before;
        for (var step = 0; step < MaxScanWindows && high >= 1 && found.Count < limit; step++)
        {
            var low = Math.Max(1, high - ScanWindow + 1);
            var events = await _journal.CurrentEventsByPersistenceId(persistenceId, low, high).Select(e => e.Event).RunWith(Sink.Seq<object>(), materializer);
            var window = new List<T>();
            foreach (var e in events)
            {
                if (recalledIdOf(e) is { } id) recalled.Add(id);
                else if (select(e) is { } item && seqOf(item) < before)
                {
                    lowestSeen = Math.Min(lowestSeen, seqOf(item));
                    if (include(item)) window.Add(item);
                }
            }
            found.InsertRange(0, window);
            high = low - 1;
        }
        var page = found.Count > limit ? found.GetRange(found.Count - limit, limit) : found;
        var more = found.Count > limit || high >= 1;
        var next = page.Count > 0 && found.Count >= limit ? seqOf(page[0]) : lowestSeen;
        return new HistoryPage<T>(page, page.Where(m => recalled.Contains(idOf(m))).Select(idOf).ToHashSet(), more, next);
    }
}

/// <summary>One page of history, oldest first; <see cref="NextBefore"/> continues further back when <see cref="More"/>.</summary>
public sealed record HistoryPage<T>(IReadOnlyList<T> Messages, IReadOnlySet<long> Recalled, bool More, long NextBefore);
