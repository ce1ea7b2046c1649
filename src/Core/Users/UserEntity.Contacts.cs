namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactEvents;
using static AkkaChat.Core.Users.ContactReplies;

/// <summary>
/// Friend requests, removing friends, blocking, and this user's half of leaving a room or of an ownership transfer.
/// Changes that touch another user follow the friendship saga: persist the intent, have the other entity record its
/// half, then record completion; unanswered intents are re-sent after recovery and every few seconds until answered.
/// </summary>
public sealed partial class UserEntity
{
    private readonly Dictionary<UserId, List<IActorRef>> _requestWaiters = [];
    private readonly Dictionary<FriendRequestKey, List<IActorRef>> _rejectWaiters = [];
    private readonly Dictionary<UserId, List<IActorRef>> _unfriendWaiters = [];

    /// <summary>Registers the contact commands. Blocks are checked inside the seed's own handlers (links, 1:1 messages, typing, presence).</summary>
    private void RegisterContactCommands()
    {
        Command<SendFriendRequest>(HandleSendRequest);
        Command<DeliverFriendRequest>(HandleDeliverRequest);
        Command<FriendRequestStored>(HandleRequestStored);
        Command<FriendRequestDeclined>(HandleRequestDeclined);
        Command<AcceptFriendRequest>(HandleAccept);
        Command<RejectFriendRequest>(HandleReject);
        Command<CloseFriendRequest>(HandleCloseRequest);
        Command<FriendRequestCloseRecorded>(HandleCloseRecorded);
        Command<ListFriendRequests>(_ => Sender.Tell(_state.Exists
            ? new FriendRequestList(_state.OpenIncomingRequests(), _state.OpenOutgoingRequests())
            : new UserReplies.UserNotFound(_state.Id)));
        Command<FriendLinkDeclined>(HandleLinkDeclined);

        Command<RemoveFriend>(HandleRemoveFriend);
        Command<UnlinkFriend>(HandleUnlinkFriend);
        Command<FriendUnlinked>(HandleFriendUnlinked);

        Command<BlockUser>(HandleBlock);
        Command<UnblockUser>(HandleUnblock);
        Command<ListBlocked>(_ => Sender.Tell(_state.Exists ? new BlockList([.. _state.Blocked]) : new UserReplies.UserNotFound(_state.Id)));
        Command<IncomingDirectRefused>(HandleDirectRefused);

        Command<UnlinkRoom>(HandleUnlinkRoom);
        Command<SetRoomOwnership>(HandleSetOwnership);

        Command<RetryContactLinks>(_ => ResumeContactLinks());
    }

    protected override void OnReplaySuccess()
    {
        base.OnReplaySuccess();
        ResumeContactLinks();
    }

    // ---- friend requests ----

    private void HandleSendRequest(SendFriendRequest cmd)
    {
        var target = cmd.TargetId;
        var refusal = _state.RefuseFriendRequest(target, cmd.Memo);
        if (refusal is not null)
        {
            Sender.Tell(new UserReplies.UserRefused(refusal));
            return;
        }
        if (_state.RefuseAnswer(target) is null)
        {
            // They asked first: asking back accepts their request.
            HandleAccept(new AcceptFriendRequest(_state.Id, target));
            return;
        }
        if (_state.OutgoingRequests.TryGetValue(target, out var open) && !_state.UndeliveredRequests.Contains(target))
        {
            Sender.Tell(new FriendRequestOpen(open));
            return;
        }
        AddWaiter(_requestWaiters, target, Sender);
        if (open is not null) return;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()); // as stored, so a re-delivery is equal
        var request = new FriendRequest(_state.Id, target, cmd.Memo, at);
        PersistAndApply(new FriendRequestStarted(request), () => _topology.Users.Tell(new DeliverFriendRequest(target, request)));
    }

    private void HandleDeliverRequest(DeliverFriendRequest cmd)
    {
        var request = cmd.Request;
        var replyTo = Sender;
        var refusal = _state.RefuseIncomingRequest(request);
        if (refusal is not null)
        {
            replyTo.Tell(new FriendRequestDeclined(_state.Id, request.From, refusal));
            return;
        }
        if (_state.Friends.Contains(request.From) || _state.PendingFriends.Contains(request.From))
        {
            replyTo.Tell(new FriendRequestDeclined(_state.Id, request.From, $"user {_state.Id} is already your friend", AlreadyFriends: true));
            return;
        }
        if (_state.IncomingRequests.TryGetValue(request.From, out var known) && known == request)
        {
            replyTo.Tell(new FriendRequestStored(_state.Id, request.From));
            return;
        }
        PersistAndApply(new FriendRequestReceived(request), () => replyTo.Tell(new FriendRequestStored(_state.Id, request.From)));
    }

    private void HandleRequestStored(FriendRequestStored stored)
    {
        var target = stored.TargetId;
        if (!_state.UndeliveredRequests.Contains(target))
        {
            ReplyRequestWaiters(target);
            return;
        }
        PersistAndApply(new FriendRequestDelivered(target), () => ReplyRequestWaiters(target));
    }

    private void ReplyRequestWaiters(UserId target)
    {
        object reply = _state.OutgoingRequests.TryGetValue(target, out var open)
            ? new FriendRequestOpen(open)
            : new UserReplies.UserRefused($"the request to user {target} was closed");
        ReplyWaiters(_requestWaiters, target, reply);
    }

    private void HandleRequestDeclined(FriendRequestDeclined declined)
    {
        var target = declined.TargetId;
        var refused = new UserReplies.UserRefused(declined.Reason);
        if (!_state.UndeliveredRequests.Contains(target))
        {
            ReplyWaiters(_requestWaiters, target, refused);
            return;
        }
        PersistAndApply(new FriendRequestClosed(new FriendRequestKey(_state.Id, target), TellPeer: false), () => ReplyWaiters(_requestWaiters, target, refused));
    }

    /// <summary>Accepting records the friendship with the seed's link saga (the waiter gets <see cref="UserReplies.FriendAdded"/>).</summary>
    private void HandleAccept(AcceptFriendRequest cmd)
    {
        var requester = cmd.RequesterId;
        if (_state.Exists && _state.Friends.Contains(requester) && !_state.PendingFriends.Contains(requester))
        {
            Sender.Tell(new UserReplies.FriendAdded(_state.Id, requester));
            return;
        }
        if (_state.PendingFriends.Contains(requester))
        {
            AddWaiter(_friendWaiters, requester, Sender);
            return;
        }
        var refusal = _state.RefuseAnswer(requester);
        if (refusal is not null)
        {
            Sender.Tell(new UserReplies.UserRefused(refusal));
            return;
        }
        AddWaiter(_friendWaiters, requester, Sender);
        PersistAndApply(new FriendRequestAccepted(requester), () =>
        {
            _topology.Users.Tell(new UserCommands.LinkFriend(requester, _state.Id));
            _topology.Users.Tell(new CloseFriendRequest(requester, new FriendRequestKey(requester, _state.Id)));
        });
    }

    private void HandleReject(RejectFriendRequest cmd)
    {
        var key = new FriendRequestKey(cmd.RequesterId, _state.Id);
        if (_state.PendingRequestCloses.Contains(key) && !_state.IncomingRequests.ContainsKey(cmd.RequesterId))
        {
            AddWaiter(_rejectWaiters, key, Sender);
            return;
        }
        var refusal = _state.RefuseAnswer(cmd.RequesterId);
        if (refusal is not null)
        {
            Sender.Tell(new UserReplies.UserRefused(refusal));
            return;
        }
        AddWaiter(_rejectWaiters, key, Sender);
        PersistAndApply(new FriendRequestClosed(key, TellPeer: true), () => _topology.Users.Tell(new CloseFriendRequest(cmd.RequesterId, key)));
    }

    /// <summary>The other side closed a request between us: close it here too (idempotent).</summary>
    private void HandleCloseRequest(CloseFriendRequest cmd)
    {
        var key = cmd.Request;
        var replyTo = Sender;
        var open = (key.To == _state.Id && _state.IncomingRequests.ContainsKey(key.From))
            || (key.From == _state.Id && _state.OutgoingRequests.ContainsKey(key.To));
        if (!open)
        {
            replyTo.Tell(new FriendRequestCloseRecorded(_state.Id, key));
            return;
        }
        PersistAndApply(new FriendRequestClosed(key, TellPeer: false), () => replyTo.Tell(new FriendRequestCloseRecorded(_state.Id, key)));
    }

    private void HandleCloseRecorded(FriendRequestCloseRecorded recorded)
    {
        var key = recorded.Request;
        var reply = new FriendRequestRejected(_state.Id, key.From);
        if (!_state.PendingRequestCloses.Contains(key))
        {
            ReplyWaiters(_rejectWaiters, key, reply);
            return;
        }
        PersistAndApply(new FriendRequestCloseConfirmed(key), () => ReplyWaiters(_rejectWaiters, key, reply));
    }

    // ---- friendship guards and removal ----

    /// <summary>A user this one blocks cannot record a friendship with them (seed add or accepted request).</summary>
    private void DeclineBlockedLink(UserCommands.LinkFriend cmd) =>
        Sender.Tell(new FriendLinkDeclined(_state.Id, cmd.RequesterId, $"user {_state.Id} does not accept friends from you"));

    private void HandleLinkDeclined(FriendLinkDeclined declined)
    {
        var other = declined.UserId;
        var refused = new UserReplies.UserRefused(declined.Reason);
        if (!_state.PendingFriends.Contains(other))
        {
            ReplyWaiters(_friendWaiters, other, refused);
            return;
        }
        PersistAndApply(new UserEvents.FriendLinkAbandoned(other), () => ReplyWaiters(_friendWaiters, other, refused));
    }

    private void HandleRemoveFriend(RemoveFriend cmd)
    {
        var friend = cmd.FriendId;
        var refusal = _state.RefuseRemoveFriend(friend);
        if (refusal is not null)
        {
            Sender.Tell(new UserReplies.UserRefused(refusal));
            return;
        }
        AddWaiter(_unfriendWaiters, friend, Sender);
        if (!_state.Friends.Contains(friend)) return; // already being removed
        PersistAndApply(new FriendRemovalStarted(friend), () => _topology.Users.Tell(new UnlinkFriend(friend, _state.Id)));
    }

    private void HandleUnlinkFriend(UnlinkFriend cmd)
    {
        var replyTo = Sender;
        if (!_state.Friends.Contains(cmd.RemoverId))
        {
            replyTo.Tell(new FriendUnlinked(_state.Id, cmd.RemoverId));
            return;
        }
        PersistAndApply(new FriendRemoved(cmd.RemoverId), () => replyTo.Tell(new FriendUnlinked(_state.Id, cmd.RemoverId)));
    }

    private void HandleFriendUnlinked(FriendUnlinked unlinked)
    {
        var friend = unlinked.UserId;
        var ended = new FriendshipEnded(_state.Id, friend);
        if (!_state.PendingUnfriends.Contains(friend))
        {
            ReplyWaiters(_unfriendWaiters, friend, ended);
            return;
        }
        PersistAndApply(new FriendRemovalConfirmed(friend), () => ReplyWaiters(_unfriendWaiters, friend, ended));
    }

    // ---- blocks ----

    private void HandleBlock(BlockUser cmd)
    {
        var target = cmd.TargetId;
        var refusal = _state.RefuseBlock(target);
        if (refusal is not null)
        {
            Sender.Tell(new UserReplies.UserRefused(refusal));
            return;
        }
        var replyTo = Sender;
        var events = _state.DecideBlock(target);
        var remaining = events.Count;
        if (remaining == 0)
        {
            replyTo.Tell(new BlockChanged(_state.Id, target, Blocked: true));
            return;
        }
        foreach (var e in events)
        {
            PersistAndApply(e, () =>
            {
                if (e is FriendRequestClosed closed) _topology.Users.Tell(new CloseFriendRequest(target, closed.Request));
                if (--remaining == 0) replyTo.Tell(new BlockChanged(_state.Id, target, Blocked: true));
            });
        }
    }

    private void HandleUnblock(UnblockUser cmd)
    {
        var refusal = _state.RefuseUnblock(cmd.TargetId);
        if (refusal is not null)
        {
            Sender.Tell(new UserReplies.UserRefused(refusal));
            return;
        }
        var replyTo = Sender;
        PersistAndApply(new UserUnblocked(cmd.TargetId), () => replyTo.Tell(new BlockChanged(_state.Id, cmd.TargetId, Blocked: false)));
    }

    private void RefuseDirectToBlocked(UserCommands.SendDirect cmd) =>
        cmd.Origin.Tell(new ChatRefused(cmd.ClientRef, "blocked", $"you have blocked user {cmd.RecipientId}; unblock them to message them", cmd.Cid));

    private void RefuseDirectFromBlocked(UserCommands.StoreIncomingDirect cmd) =>
        Sender.Tell(new IncomingDirectRefused(_state.Id, cmd.SenderId, cmd.Correlation, "blocked", $"user {_state.Id} has blocked you"));

    /// <summary>The recipient refused a 1:1 message: nothing is stored on our side either, and every socket that sent it is told.</summary>
    private void HandleDirectRefused(IncomingDirectRefused refused)
    {
        if (!_outgoing.Remove(refused.Correlation, out var outgoing)) return;
        foreach (var send in outgoing.Sends) send.Origin.Tell(new ChatRefused(send.ClientRef, refused.Code, refused.Reason, send.Cid));
    }

    // ---- rooms: our half of what the room decided ----

    private void HandleUnlinkRoom(UnlinkRoom cmd)
    {
        var replyTo = Sender;
        var room = cmd.RoomId;
        if (!_state.HoldsRoom(room))
        {
            replyTo.Tell(new RoomUnlinkRecorded(_state.Id, room));
            return;
        }
        PersistAndApply(new RoomUnlinked(room), () =>
        {
            foreach (var connection in _connections) connection.Tell(new RoomMembershipRemoved(room));
            replyTo.Tell(new RoomUnlinkRecorded(_state.Id, room));
        });
    }

    private void HandleSetOwnership(SetRoomOwnership cmd)
    {
        var replyTo = Sender;
        var recorded = new RoomOwnershipRecorded(_state.Id, cmd.RoomId, cmd.Owned);
        if (!_state.Exists || _state.OwnedRooms.Contains(cmd.RoomId) == cmd.Owned)
        {
            replyTo.Tell(recorded);
            return;
        }
        PersistAndApply(new RoomOwnershipChanged(cmd.RoomId, cmd.Owned), () => replyTo.Tell(recorded));
    }

    // ---- resuming ----

    private void ResumeContactLinks()
    {
        var pending = 0;
        foreach (var target in _state.UndeliveredRequests)
        {
            if (!_state.OutgoingRequests.TryGetValue(target, out var request)) continue;
            _topology.Users.Tell(new DeliverFriendRequest(target, request));
            pending++;
        }
        foreach (var key in _state.PendingRequestCloses)
        {
            _topology.Users.Tell(new CloseFriendRequest(key.From == _state.Id ? key.To : key.From, key));
            pending++;
        }
        foreach (var friend in _state.PendingUnfriends)
        {
            _topology.Users.Tell(new UnlinkFriend(friend, _state.Id));
            pending++;
        }
        if (pending > 0) Timers.StartSingleTimer("contact-links", RetryContactLinks.Instance, LinkRetryInterval);
    }

    private sealed class RetryContactLinks
    {
        public static readonly RetryContactLinks Instance = new();
    }
}
