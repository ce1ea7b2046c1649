namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ConversationCommands;
using static AkkaChat.Core.Users.ConversationEvents;
using static AkkaChat.Core.Users.ConversationReplies;

/// <summary>Read markers and receipts, pin/mute, recall, typing and presence.</summary>
public sealed partial class UserEntity
{
    private void RegisterConversationCommands()
    {
        Command<MarkRead>(HandleMarkRead);
        Command<SetConversationFlags>(HandleSetFlags);
        Command<GetConversations>(_ => Sender.Tell(_state.Exists ? _state.ConversationsView() : new UserReplies.UserNotFound(_state.Id)));
        Command<GetJournalHead>(_ => Sender.Tell(new JournalHead(LastSequenceNr)));
        Command<RecallDirect>(HandleRecall);
        Command<RecallIncoming>(HandleRecallIncoming);
        Command<DeliverReceipt>(r => PushToAll(new ReceiptArrived(r.ReaderId, r.MessageId, r.ReadAt)));
        Command<DeliverTyping>(t =>
        {
            if (_state.Friends.Contains(t.FromId) && !_state.Blocked.Contains(t.FromId)) PushToAll(new TypingArrived(ConversationId.With(t.FromId), t.FromId));
        });
        Command<DeliverPresence>(HandlePresence);
        Command<GetOnlineFriends>(_ => Sender.Tell(new OnlineFriends(
            [.. _onlineFriends.Where(f => _state.Friends.Contains(f) && !_state.Blocked.Contains(f)).Order()])));
    }

    private void HandleMarkRead(MarkRead cmd)
    {
        var (read, code, refusal) = _state.DecideRead(cmd.Conversation, cmd.Seq);
        if (refusal is not null)
        {
            cmd.Origin.Tell(new ConversationRefused(code!, refusal));
            return;
        }
        if (read is null)
        {
            cmd.Origin.Tell(new ReadMarkerMoved(cmd.Conversation, cmd.Seq, UnreadOf(cmd.Conversation)));
            return;
        }
        PersistAndApply(read, () =>
        {
            PushToAll(new ReadMarkerMoved(cmd.Conversation, read.Seq, UnreadOf(cmd.Conversation)));
            if (cmd.Conversation.Peer is { } peer && _state.LastIncomingAtOrBelow(peer, read.Seq) is { } last)
                _topology.Users.Tell(new DeliverReceipt(peer, _state.Id, last.MessageId, DateTimeOffset.UtcNow));
        });
    }

    private long UnreadOf(ConversationId conversation) =>
        conversation.Peer is { } peer ? (_state.Peers.GetValueOrDefault(peer) ?? PeerConversation.None).Unread : 0;

    private void HandleSetFlags(SetConversationFlags cmd)
    {
        if (!_state.Exists)
        {
            cmd.Origin.Tell(new ConversationRefused("unknown-user", $"user {_state.Id} does not exist"));
            return;
        }
        var known = cmd.Conversation.Room is { } room ? _state.Rooms.Contains(room) : _state.Friends.Contains(cmd.Conversation.Peer!.Value) || _state.Peers.ContainsKey(cmd.Conversation.Peer!.Value);
        if (!known)
        {
            cmd.Origin.Tell(new ConversationRefused("no-conversation", $"there is no conversation {cmd.Conversation}"));
            return;
        }
        var current = _state.FlagsOf(cmd.Conversation);
        var next = new ConversationFlagsSet(cmd.Conversation, cmd.Pinned ?? current.Pinned, cmd.Muted ?? current.Muted);
        if (next.Pinned == current.Pinned && next.Muted == current.Muted)
        {
            cmd.Origin.Tell(new FlagsChanged(cmd.Conversation, next.Pinned, next.Muted));
            return;
        }
        PersistAndApply(next, () => PushToAll(new FlagsChanged(cmd.Conversation, next.Pinned, next.Muted)));
    }

    private void HandleRecall(RecallDirect cmd)
    {
        var (message, code, refusal) = _state.DecideRecall(cmd.Seq, DateTimeOffset.UtcNow);
        if (message is null)
        {
            cmd.Origin.Tell(new ConversationRefused(code!, refusal!, cmd.Cid));
            return;
        }
        var notice = new MessageRecalled(ConversationId.With(_state.Id), message.Seq, message.MessageId);
        if (_state.IsRecalled(message.MessageId))
        {
            cmd.Origin.Tell(notice);
            return;
        }
        PersistAndApply(new DirectMessageRecalled(message.Seq, message.MessageId, DateTimeOffset.UtcNow), () =>
        {
            PushToAll(notice);
            _topology.Users.Tell(new RecallIncoming(message.RecipientId, _state.Id, message.MessageId));
        });
    }

    private void HandleRecallIncoming(RecallIncoming cmd)
    {
        var copy = _state.RecentInbox.FirstOrDefault(m => m.MessageId == cmd.MessageId && m.SenderId == cmd.SenderId);
        if (copy is null || _state.IsRecalled(copy.MessageId)) return;
        PersistAndApply(new DirectMessageRecalled(copy.Seq, copy.MessageId, DateTimeOffset.UtcNow),
            () => PushToAll(new MessageRecalled(ConversationId.With(_state.Id), copy.Seq, copy.MessageId)));
    }

    private void PushToAll(object push)
    {
        foreach (var connection in _connections) connection.Tell(push);
    }

    /// <summary>
    /// A friend's online state. Kept in memory only while this user has sockets (fan-outs forward presence only to users
    /// with a local socket, so it is exact then, and empty otherwise). A friend who just came online is answered with
    /// this user's own "online", so their entity learns the snapshot from the friends that are up, and no offline
    /// entity is ever woken for it.
    /// </summary>
    private void HandlePresence(DeliverPresence p)
    {
        if (_connections.Count == 0 || !_state.Friends.Contains(p.FriendId) || _state.Blocked.Contains(p.FriendId)) return;
        var changed = p.Online ? _onlineFriends.Add(p.FriendId) : _onlineFriends.Remove(p.FriendId);
        if (changed) PushToAll(new PresenceArrived(p.FriendId, p.Online));
        if (p.Online && !p.Answer) _topology.Users.Tell(new DeliverPresence(p.FriendId, _state.Id, Online: true) { Answer = true });
    }

    /// <summary>Publishes this user's online state to every node; called when the first socket opens and the last one closes.</summary>
    private void AnnouncePresence(bool online)
    {
        if (_state.Friends.Count == 0) return;
        var published = new PresencePublished(_state.Id, online, [.. _state.Friends]);
        foreach (var fanout in _topology.RoomFanouts) fanout.Tell(published, ActorRefs.NoSender);
    }
}
