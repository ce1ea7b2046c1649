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
            if (_connections.Count == 0) _topology.Users.Tell(new NoteFriendPresence(t.FromId, _state.Id, Online: false)); // they thought us online
            else if (_state.Friends.Contains(t.FromId) && !_state.Blocked.Contains(t.FromId)) PushToAll(new TypingArrived(ConversationId.With(t.FromId), t.FromId));
        });
        Command<DeliverPresence>(HandleDeliverPresence);
        Command<NoteFriendPresence>(n =>
        {
            // What a socket's presence snapshot is made of: a friend learned online (or offline) this way is pushed too.
            if (NoteOnline(n.FriendId, n.Online) && !_state.Blocked.Contains(n.FriendId)) PushToAll(new PresenceArrived(n.FriendId, n.Online));
        });
        Command<SendTyping>(t =>
        {
            if (_onlineFriends.Contains(t.PeerId)) _topology.Users.Tell(new DeliverTyping(t.PeerId, _state.Id));
        });
        Command<GetOnlineFriends>(_ => Sender.Tell(new OnlineFriends(
            [.. _onlineFriends.Where(f => _state.Friends.Contains(f) && !_state.Blocked.Contains(f)).OrderBy(f => f.Value)])));
    }

    private void HandleDeliverPresence(DeliverPresence p)
    {
        if (_state.Friends.Contains(p.FriendId) && !_state.Blocked.Contains(p.FriendId)) PushToAll(new PresenceArrived(p.FriendId, p.Online));
        NoteOnline(p.FriendId, p.Online);
        // Their first socket: they announced it to every node and do not know who heard; tell them we did.
        if (p.Online && _connections.Count > 0 && _state.Friends.Contains(p.FriendId)) _topology.Users.Tell(new NoteFriendPresence(p.FriendId, _state.Id, Online: true));
    }

    /// <summary>
    /// Keeps the friends known to be online while this user is (they hear of this user's changes and typing directly, and
    /// a new socket's presence snapshot is read from it); true when that changed what is known.
    /// </summary>
    private bool NoteOnline(UserId friend, bool online)
    {
        if (!online) return _onlineFriends.Remove(friend);
        return _connections.Count > 0 && _state.Friends.Contains(friend) && _onlineFriends.Add(friend);
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
        if (_state.IsRecalledSeq(message.Seq))
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
        if (copy is null || _state.IsRecalledSeq(copy.Seq)) return;
        PersistAndApply(new DirectMessageRecalled(copy.Seq, copy.MessageId, DateTimeOffset.UtcNow),
            () => PushToAll(new MessageRecalled(ConversationId.With(_state.Id), copy.Seq, copy.MessageId)));
    }

    private void PushToAll(object push)
    {
        foreach (var connection in _connections) connection.Tell(push);
    }

    /// <summary>
    /// Called when the first socket opens and when the last one closes. Coming online, the entity cannot know which friends
    /// are online without waking the others' entities, so it asks every node's fan-out (which knows its local users) once;
    /// going offline, it tells the friends it learned are online, directly.
    /// </summary>
    private void AnnouncePresence(bool online)
    {
        if (online)
        {
            _onlineFriends.Clear();
            if (_state.Friends.Count == 0) return;
            var published = new PresencePublished(_state.Id, online, [.. _state.Friends]);
            foreach (var node in _topology.NodeFanouts) node.Fanout.Tell(published, ActorRefs.NoSender);
            return;
        }
        foreach (var friend in _onlineFriends) _topology.Users.Tell(new DeliverPresence(friend, _state.Id, Online: false));
        _onlineFriends.Clear();
    }
}
