namespace AkkaChat.Edge.Protocols.V2;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Users.ConversationReplies;

/// <summary>Conversation frames: read, flags, conversations, history, recall, typing; and their pushes.</summary>
public sealed partial class V2Connection
{
    public const int MaxHistoryLimit = 100;
    public const int MaxConversationPage = 100;
    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<ConversationId, long> _lastTyping = [];

    /// <summary>Pushes and answers about conversations; false when <paramref name="message"/> is none of them.</summary>
    private bool HandleConversationPush(object message)
    {
        switch (message)
        {
            case ReadMarkerMoved m:
                Send(V2Frames.EncodeRead(m.Conversation, m.Seq, m.Unread));
                return true;
            case FlagsChanged f:
                Send(V2Frames.EncodeFlags(f.Conversation, f.Pinned, f.Muted));
                return true;
            case ReceiptArrived r:
                Send(V2Frames.EncodeReceipt(r.ReaderId, r.MessageId, r.ReadAt));
                return true;
            case TypingArrived t:
                Send(V2Frames.EncodeTyping(t.Conversation, t.FromId));
                return true;
            case PresenceArrived p:
                if (_syncedSent) Send(V2Frames.EncodePresence(p.FriendId, p.Online)); // before it, the snapshot after synced covers it
                return true;
            case OnlineFriends o:
                foreach (var friend in o.Friends) Send(V2Frames.EncodePresence(friend, online: true));
                return true;
            case MessageRecalled r:
                OnRecalled(_inboxStream, null, r.Seq, r.MessageId);
                return true;
            case RoomRecallPublished r:
                if (_memberRooms.Contains(r.RoomId)) OnRecalled(Streams.Room(r.RoomId), r.RoomId, r.Seq, r.MessageId);
                return true;
            case RoomTypingPublished t:
                if (t.UserId != User && _memberRooms.Contains(t.RoomId)) Send(V2Frames.EncodeTyping(ConversationId.In(t.RoomId), t.UserId));
                return true;
            case ConversationRefused r:
                Send(V2Frames.EncodeError(r.Code, r.Reason, r.Cid));
                return true;
            case QueryAnswered a:
                Send(a.Frame);
                return true;
            case RoomReadChecked c:
                OnRoomReadChecked(c);
                return true;
            case QueryFailed f:
                Send(V2Frames.EncodeError(f.Code, f.Reason));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Handles the conversation frame types; false when <paramref name="frame"/> is none of them.</summary>
    private bool HandleConversationFrame(V2Frame frame)
    {
        switch (frame.Type)
        {
            case "read":
                if (ParseConversation(frame) is { } read && RequireSeq(frame) is { } seq) MarkRead(read, seq);
                return true;
            case "flags":
                if (ParseConversation(frame) is { } flagged)
                {
                    if (frame.Pinned is null && frame.Muted is null) Send(V2Frames.EncodeError("bad-frame", "flags needs pinned and/or muted"));
                    else Topology.Users.Tell(new ConversationCommands.SetConversationFlags(User, flagged, frame.Pinned, frame.Muted, Self));
                }
                return true;
            case "typing":
                if (ParseConversation(frame) is { } typing) SendTyping(typing);
                return true;
            case "recall":
                Recall(frame);
                return true;
            case "history":
                History(frame);
                return true;
            case "conversations":
                Conversations(frame);
                return true;
            default:
                return false;
        }
    }

    private ConversationId? ParseConversation(V2Frame frame)
    {
        if (!ConversationId.TryParse(frame.Conv, out var conversation))
        {
            Send(V2Frames.EncodeError("bad-frame", "conv must be u<user id> or r<room id>", frame.Cid));
            return null;
        }
        if (conversation.Room is { } room && !_memberRooms.Contains(room))
        {
            Send(V2Frames.EncodeError("not-member", $"you are not a member of room {room}", frame.Cid));
            return null;
        }
        return conversation;
    }

    private long? RequireSeq(V2Frame frame)
    {
        if (frame.Seq is { } seq and >= 0) return seq;
        Send(V2Frames.EncodeError("bad-cursor", "seq must be a sequence number (0 or more)", frame.Cid));
        return null;
    }

    /// <summary>A 1:1 read goes straight to the user entity (it knows the inbox); a room read is checked against the room's head first.</summary>
    private void MarkRead(ConversationId conversation, long seq)
    {
        if (conversation.Room is not { } room)
        {
            Topology.Users.Tell(new ConversationCommands.MarkRead(User, conversation, seq, Self));
            return;
        }
        Topology.Rooms.Ask<object>(new RoomCommands.GetRoom(room), QueryTimeout)
            .PipeTo(Self, success: reply => new RoomReadChecked(conversation, seq, (reply as RoomReplies.RoomInfo)?.Head ?? -1),
                failure: e => new QueryFailed("query-failed", "the room did not answer, try again"));
    }

    private void OnRoomReadChecked(RoomReadChecked check)
    {
        if (check.Seq > check.Head)
            Send(V2Frames.EncodeError("no-such-message", check.Head < 0 ? $"room {check.Conversation.Room} does not exist" : $"the room has no message {check.Seq} (its newest is {check.Head})"));
        else Topology.Users.Tell(new ConversationCommands.MarkRead(User, check.Conversation, check.Seq, Self));
    }

    private sealed record RoomReadChecked(ConversationId Conversation, long Seq, long Head);

    private void SendTyping(ConversationId conversation)
    {
        var now = Environment.TickCount64;
        if (_lastTyping.TryGetValue(conversation, out var last) && now - last < TypingInterval.TotalMilliseconds) return; // rate-limited, silently
        if (_lastTyping.Count > 1000) _lastTyping.Clear();
        _lastTyping[conversation] = now;
        if (conversation.Room is { } room) Topology.Rooms.Tell(new RoomConversationCommands.RoomTyping(room, User));
        else Topology.Users.Tell(new ConversationCommands.SendTyping(User, conversation.Peer!.Value)); // our entity knows whether the peer is online
    }

    private void Recall(V2Frame frame)
    {
        if (RequireSeq(frame) is not { } seq) return;
        if (frame.Stream == _inboxStream)
        {
            Topology.Users.Tell(new ConversationCommands.RecallDirect(User, seq, frame.Cid, Self));
            return;
        }
        if (ConversationId.TryParse(frame.Stream, out var stream) && stream.Room is { } room)
        {
            if (_memberRooms.Contains(room)) Topology.Rooms.Tell(new RoomConversationCommands.RecallRoomMessage(room, User, seq, frame.Cid, Self));
            else Send(V2Frames.EncodeError("not-member", $"you are not a member of room {room}", frame.Cid));
            return;
        }
        Send(V2Frames.EncodeError("bad-frame", $"stream must be your inbox ({_inboxStream}) or a room (r<id>)", frame.Cid));
    }

    private void History(V2Frame frame)
    {
        if (ParseConversation(frame) is not { } conversation) return;
        var limit = frame.Limit ?? 50;
        if (limit is < 1 or > MaxHistoryLimit)
        {
            Send(V2Frames.EncodeError("bad-limit", $"limit must be 1 to {MaxHistoryLimit}"));
            return;
        }
        var before = frame.Before ?? long.MaxValue;
        if (before < 1)
        {
            Send(V2Frames.EncodeError("bad-cursor", "before must be a positive sequence number"));
            return;
        }
        var materializer = Materializer;
        var (users, rooms, log, user) = (Topology.Users, Topology.Rooms, _log, User);
        var name = conversation.ToString();
        Query(async () =>
        {
            if (conversation.Room is { } room)
            {
                var head = await rooms.Ask<JournalHead>(new GetRoomJournalHead(room), QueryTimeout);
                var page = await log.RoomHistoryAsync(room, head.SequenceNr, before, (int)limit, materializer);
                return V2Frames.EncodeHistory(name, page.Messages.Select(m => V2Frames.EncodeRoomForHistory(m, page.Recalled.Contains(m.MessageId))), page.More, page.NextBefore);
            }
            var inboxHead = await users.Ask<JournalHead>(new GetJournalHead(user), QueryTimeout);
            var inbox = await log.InboxHistoryAsync(user, conversation.Peer!.Value, inboxHead.SequenceNr, before, (int)limit, materializer);
            var stream = Streams.Inbox(user);
            return V2Frames.EncodeHistory(name, inbox.Messages.Select(m => V2Frames.EncodeDirectForHistory(stream, m, inbox.Recalled.Contains(m.MessageId))), inbox.More, inbox.NextBefore);
        });
    }

    private void Conversations(V2Frame frame)
    {
        var offset = frame.Offset ?? 0;
        var limit = frame.Limit ?? 20;
        if (offset < 0 || limit is < 1 or > MaxConversationPage)
        {
            Send(V2Frames.EncodeError("bad-limit", $"offset must be 0 or more and limit 1 to {MaxConversationPage}"));
            return;
        }
        var (users, rooms, user) = (Topology.Users, Topology.Rooms, User);
        Query(() => ConversationList.BuildAsync(users, rooms, user, (int)offset, (int)limit, QueryTimeout));
    }

    /// <summary>Runs a read-only query off the actor and sends its frame (or an error frame) when it completes.</summary>
    private void Query(Func<Task<byte[]>> query) =>
        query().PipeTo(Self, success: frame => new QueryAnswered(frame), failure: e => new QueryFailed("query-failed", "the query failed, try again: " + e.GetBaseException().Message));

    private sealed record QueryAnswered(byte[] Frame);

    private sealed record QueryFailed(string Code, string Reason);
}
