namespace AkkaChat.Edge.Protocols.Seed003;

using Akka.Actor;
using Akka.Streams.Dsl;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Protocols.V2;

/// <summary>The read requests: sync (a conversation's messages, newest first), getconversationlist, messageread.</summary>
public sealed partial class Seed003Connection
{
    public const int DefaultPage = 15;
    public const int MaxPage = 100;
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    /// <summary>limit 0 means <see cref="DefaultPage"/>, more than <see cref="MaxPage"/> means <see cref="MaxPage"/>; negative: refused.</summary>
    private static int? PageSize(long limit) => limit switch
    {
        < 0 => null,
        0 => DefaultPage,
        > MaxPage => MaxPage,
        _ => (int)limit,
    };

    private void Sync(Input input)
    {
        if (!Seed003Frames.TryParse(input.Data, SyncReq.Parser, out var request, out var error))
        {
            Refuse(Seed003Types.Sync, error);
            return;
        }
        if (PageSize(request.Limit) is not { } limit || request.Offset < 0)
        {
            Refuse(Seed003Types.Sync, "limit and offset must not be negative");
            return;
        }
        if (request.ConversationId <= 0)
        {
            Refuse(Seed003Types.Sync, "conversation_id must be positive");
            return;
        }
        ConversationId conversation;
        switch (request.ReceiverType)
        {
            case Seed003Frames.ReceiverUser:
                conversation = ConversationId.With(new UserId(request.ConversationId));
                break;
            case Seed003Frames.ReceiverGroup:
                conversation = ConversationId.In(new RoomId(request.ConversationId));
                if (!_memberRooms.Contains(conversation.Room!.Value))
                {
                    Refuse(Seed003Types.Sync, $"you are not a member of group {request.ConversationId}");
                    return;
                }
                break;
            default:
                Refuse(Seed003Types.Sync, "receiver_type must be 1 (user) or 2 (group)");
                return;
        }
        var (user, users, rooms, log, profiles, materializer, offset) = (User, Topology.Users, Topology.Rooms, _sockets.Log, _sockets.Profiles, Materializer, request.Offset);
        Query(Seed003Types.Sync, async () =>
        {
            var (items, newest) = conversation.Room is { } room
                ? await ReadRoomAsync(room)
                : await ReadInboxAsync(conversation.Peer!.Value);
            var reply = new SyncResp();
            reply.Messages.AddRange(items);
            // Afterwards the conversation is read, up to its newest message (never back: the entity keeps the highest).
            if (newest > 0) users.Tell(new ConversationCommands.MarkRead(user, conversation, newest, ActorRefs.Nobody));
            return Seed003Frames.Ok(Seed003Types.Sync, reply);
        });

        async Task<(List<MessageItem> Items, long Newest)> ReadInboxAsync(UserId peer)
        {
            var head = await users.Ask<JournalHead>(new GetJournalHead(user), QueryTimeout);
            var page = await NewestFirstAsync(offset, limit, (before, n) => log.InboxHistoryAsync(user, peer, head.SequenceNr, before, n, materializer), m => m.Seq);
            var items = new List<MessageItem>(page.Messages.Count);
            foreach (var m in page.Messages) items.Add(Seed003Frames.DirectItem(user, m, page.Recalled.Contains(m.MessageId), await profiles.GetAsync(m.SenderId)));
            return (items, page.Newest);
        }

        async Task<(List<MessageItem> Items, long Newest)> ReadRoomAsync(RoomId room)
        {
            var head = await rooms.Ask<JournalHead>(new GetRoomJournalHead(room), QueryTimeout);
            var page = await NewestFirstAsync(offset, limit, (before, n) => log.RoomHistoryAsync(room, head.SequenceNr, before, n, materializer), m => m.Seq);
            var items = new List<MessageItem>(page.Messages.Count);
            foreach (var m in page.Messages) items.Add(Seed003Frames.RoomItem(m, page.Recalled.Contains(m.MessageId), await profiles.GetAsync(m.SenderId)));
            return (items, page.Newest);
        }
    }

    /// <summary>
    /// Messages <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="limit"/> of a stream counted from
    /// its newest, newest first, read backwards through history pages of at most <see cref="MaxPage"/>; also the newest
    /// message's sequence number (0 when there is none).
    /// </summary>
    private static async Task<(List<T> Messages, IReadOnlySet<long> Recalled, long Newest)> NewestFirstAsync<T>(
        long offset, int limit, Func<long, int, Task<Persistence.Query.HistoryPage<T>>> page, Func<T, long> seqOf)
    {
        var found = new List<T>(limit);
        var recalled = new HashSet<long>();
        var (before, skip, newest) = (long.MaxValue, offset, 0L);
        while (found.Count < limit)
        {
            var want = (int)Math.Min(MaxPage, skip + limit - found.Count);
            var read = await page(before, want);
            for (var i = read.Messages.Count - 1; i >= 0 && found.Count < limit; i--)
            {
                var m = read.Messages[i];
                if (newest == 0) newest = seqOf(m);
                if (skip > 0) skip--;
                else found.Add(m);
            }
            recalled.UnionWith(read.Recalled);
            if (!read.More || read.NextBefore >= before) break;
            before = read.NextBefore;
        }
        return (found, recalled, newest);
    }

    private void Conversations(Input input)
    {
        if (!Seed003Frames.TryParse(input.Data, ConversationReq.Parser, out var request, out var error))
        {
            Refuse(Seed003Types.ConversationList, error);
            return;
        }
        if (PageSize(request.Limit) is not { } limit || request.Offset < 0)
        {
            Refuse(Seed003Types.ConversationList, "limit and offset must not be negative");
            return;
        }
        var (user, users, rooms, profiles) = (User, Topology.Users, Topology.Rooms, _sockets.Profiles);
        var offset = (int)Math.Min(int.MaxValue, request.Offset);
        Query(Seed003Types.ConversationList, async () =>
        {
            var page = await ConversationList.PageAsync(users, rooms, user, offset, limit, QueryTimeout, friendsWithoutMessages: false);
            var reply = new ConversationResp();
            foreach (var c in page.Items)
            {
                var (id, type) = c.Conversation.Room is { } room ? (room.Value, Seed003Frames.ReceiverGroup) : (c.Conversation.Peer!.Value.Value, Seed003Frames.ReceiverUser);
                var lastSender = c.LastDirect?.SenderId ?? c.LastRoom?.SenderId;
                var lastPayload = c.LastDirect?.Payload ?? c.LastRoom?.Payload;
                reply.Conversation.Add(new ConversationItem
                {
                    Id = id,
                    SenderId = user.Value,
                    ReceiverId = id,
                    ReceiverType = type,
                    UpdateTime = Math.Max(0, c.LastAt.ToUnixTimeSeconds()),
                    Top = c.Pinned ? 2 : 1,
                    Disturb = c.Muted ? 2 : 1,
                    Username = c.Name,
                    Messagenewcontent = lastPayload is null ? "" : c.LastRecalled ? Seed003Bodies.RecalledLabel : Seed003Bodies.Summary(lastPayload),
                    ReceiveNum = c.Unread,
                    Help = 1,
                    SenderName = lastSender is { } s ? (await profiles.GetAsync(s))?.Nickname ?? "" : "",
                    AvatarUrl = c.Avatar,
                });
            }
            return Seed003Frames.Ok(Seed003Types.ConversationList, reply);
        });
    }

    /// <summary>
    /// That message and every earlier one of its conversation become read; no reply on success. A group message's id names its
    /// room and room seq; any other id is a seq of the user's inbox, whose message names the peer.
    /// </summary>
    private void MessageRead(Input input)
    {
        if (!Seed003Frames.TryParse(input.Data, Wire.MessageRead.Parser, out var request, out var error))
        {
            Refuse(Seed003Types.MessageRead, error);
            return;
        }
        var id = request.MessageId;
        if (id <= 0)
        {
            Refuse(Seed003Types.MessageRead, "message_id must be positive");
            return;
        }
        if (Seed003Ids.IsRoomMessage(id, out var room, out var seq))
        {
            if (!_memberRooms.Contains(room))
            {
                Refuse(Seed003Types.MessageRead, $"you are not a member of group {room.Value}");
                return;
            }
            Topology.Rooms.Ask<object>(new RoomCommands.GetRoom(room), QueryTimeout)
                .PipeTo(Self, success: reply => new RoomReadChecked(room, seq, (reply as RoomReplies.RoomInfo)?.Head ?? -1),
                    failure: _ => new QueryFailed(Seed003Types.MessageRead, "the group did not answer, try again"));
            return;
        }
        // Inbox seqs are dense: the first message after seq - 1 is the one, if the inbox has it.
        _sockets.Log.InboxAfter(User, id - 1).Take(1).RunWith(Sink.FirstOrDefault<DirectMessage>(), Materializer)
            .PipeTo(Self, success: m => new InboxMessageFound(id, m),
                failure: _ => new QueryFailed(Seed003Types.MessageRead, "reading the message failed, try again"));
    }

    private void OnRoomReadChecked(RoomReadChecked check)
    {
        if (check.Seq > check.Head) Refuse(Seed003Types.MessageRead, $"group {check.Room.Value} has no such message");
        else Topology.Users.Tell(new ConversationCommands.MarkRead(User, ConversationId.In(check.Room), check.Seq, Self));
    }

    private void OnInboxMessageFound(InboxMessageFound found)
    {
        if (found.Message is not { } m || m.Seq != found.Id)
        {
            Refuse(Seed003Types.MessageRead, $"you have no message {found.Id}");
            return;
        }
        var peer = m.SenderId == User ? m.RecipientId : m.SenderId;
        Topology.Users.Tell(new ConversationCommands.MarkRead(User, ConversationId.With(peer), m.Seq, Self));
    }

    /// <summary>Runs a read-only query off the actor; its frame (or a code-2 refusal of <paramref name="type"/>) is sent in order when it completes.</summary>
    private void Query(string type, Func<Task<byte[]>> query) =>
        query().PipeTo(Self, success: frame => new QueryAnswered(frame),
            failure: e => new QueryFailed(type, "the query failed, try again: " + e.GetBaseException().Message));

    private sealed record QueryAnswered(byte[] Frame);

    private sealed record QueryFailed(string Type, string Reason);

    private sealed record RoomReadChecked(RoomId Room, long Seq, long Head);

    private sealed record InboxMessageFound(long Id, DirectMessage? Message);
}
