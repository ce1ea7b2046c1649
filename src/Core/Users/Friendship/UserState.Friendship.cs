namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactEvents;
using static AkkaChat.Core.Users.ContactReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;

/// <summary>
/// Friendship: the direct add, friend requests, removal and blocks. Every change that concerns another user is recorded
/// here first as an intent (a pending set, listed in <see cref="Outstanding"/>), then confirmed once the other user's
/// entity has recorded its half; the asker waits (<see cref="UserWait"/>) until then.
/// </summary>
public sealed partial record UserState
{
    public const int MaxRequestMemoLength = 280;

    public ImmutableSortedSet<UserId> Friends { get => _settled.Friends; init => _settled = _settled with { Friends = value }; }

    /// <summary>Friendships asked for whose other half is not recorded yet.</summary>
    public ImmutableHashSet<UserId> PendingFriends { get => _settled.PendingFriends; init => _settled = _settled with { PendingFriends = value }; }

    /// <summary>Requests other users sent to this user, by requester.</summary>
    public ImmutableDictionary<UserId, FriendRequest> IncomingRequests { get => _settled.IncomingRequests; init => _settled = _settled with { IncomingRequests = value }; }

    /// <summary>Requests this user sent, by target (including those still being delivered).</summary>
    public ImmutableDictionary<UserId, FriendRequest> OutgoingRequests { get => _settled.OutgoingRequests; init => _settled = _settled with { OutgoingRequests = value }; }

    /// <summary>Targets of outgoing requests that have not confirmed receiving them yet.</summary>
    public ImmutableHashSet<UserId> UndeliveredRequests { get => _settled.UndeliveredRequests; init => _settled = _settled with { UndeliveredRequests = value }; }

    /// <summary>Requests closed here (rejected, accepted, withdrawn) whose other side has not confirmed closing them yet.</summary>
    public ImmutableHashSet<FriendRequestKey> PendingRequestCloses { get => _settled.PendingRequestCloses; init => _settled = _settled with { PendingRequestCloses = value }; }

    /// <summary>Former friends this user removed whose entity has not confirmed removing their half yet.</summary>
    public ImmutableHashSet<UserId> PendingUnfriends { get => _settled.PendingUnfriends; init => _settled = _settled with { PendingUnfriends = value }; }

    public ImmutableSortedSet<UserId> Blocked { get => _settled.Blocked; init => _settled = _settled with { Blocked = value }; }

    private sealed partial record Settled
    {
        public ImmutableSortedSet<UserId> Friends { get; init; } = ImmutableSortedSet.Create<UserId>(UserIdOrder.Instance);
        public ImmutableHashSet<UserId> PendingFriends { get; init; } = [];
        public ImmutableDictionary<UserId, FriendRequest> IncomingRequests { get; init; } = ImmutableDictionary<UserId, FriendRequest>.Empty;
        public ImmutableDictionary<UserId, FriendRequest> OutgoingRequests { get; init; } = ImmutableDictionary<UserId, FriendRequest>.Empty;
        public ImmutableHashSet<UserId> UndeliveredRequests { get; init; } = [];
        public ImmutableHashSet<FriendRequestKey> PendingRequestCloses { get; init; } = [];
        public ImmutableHashSet<UserId> PendingUnfriends { get; init; } = [];
        public ImmutableSortedSet<UserId> Blocked { get; init; } = ImmutableSortedSet.Create<UserId>(UserIdOrder.Instance);
    }

    /// <summary>
    /// Open incoming requests, newest first. A request between users who are friends by now (they also used the
    /// seed's direct add) is not open; it is dropped for good when the friendship ends.
    /// </summary>
    public IReadOnlyList<FriendRequest> OpenIncomingRequests() =>
        [.. IncomingRequests.Values.Where(r => !Friends.Contains(r.From)).OrderByDescending(r => r.At).ThenBy(r => r.From.Value)];

    /// <summary>Open outgoing requests, newest first (see <see cref="OpenIncomingRequests"/>).</summary>
    public IReadOnlyList<FriendRequest> OpenOutgoingRequests() =>
        [.. OutgoingRequests.Values.Where(r => !Friends.Contains(r.To)).OrderByDescending(r => r.At).ThenBy(r => r.To.Value)];

    public Decision Decide(ListFriends _) => Exists ? Decision.Reply(new UserReplies.FriendList([.. Friends])) : NotFound();

    public Decision Decide(ListFriendRequests _) => Exists ? Decision.Reply(new FriendRequestList(OpenIncomingRequests(), OpenOutgoingRequests())) : NotFound();

    public Decision Decide(ListBlocked _) => Exists ? Decision.Reply(new BlockList([.. Blocked])) : NotFound();

    // ---- the direct add and its link saga ----

    /// <summary>The seed's direct add: friendship both ways. When the other user asked first, it accepts their request.</summary>
    public Decision Decide(AddFriend cmd)
    {
        var friend = cmd.FriendId;
        if (RefuseAnswer(friend) is null) return Decide(new AcceptFriendRequest(Id, friend));
        if (!Exists) return Refuse($"user {Id} does not exist");
        if (friend == Id) return Refuse("you cannot add yourself as a friend");
        if (friend.Value <= 0) return Refuse("friend id must be a positive number");
        if (Friends.Contains(friend)) return Decision.Reply(new UserReplies.FriendAdded(Id, friend));
        if (PendingFriends.Contains(friend)) return Decision.Ignore.Await(UserWait.Friend(friend));
        return Decision.Store(new FriendLinkStarted(friend)).Await(UserWait.Friend(friend)).Send(new LinkFriend(friend, Id));
    }

    /// <summary>The other half of a friendship; a user this one blocks cannot record one (direct add or accepted request).</summary>
    public Decision Decide(LinkFriend cmd)
    {
        var requester = cmd.RequesterId;
        if (Blocked.Contains(requester)) return Decision.Reply(new FriendLinkDeclined(Id, requester, $"user {Id} does not accept friends from you"));
        if (!Exists) return Decision.Reply(new FriendLinkDeclined(Id, requester, $"user {Id} does not exist"));
        var linked = new UserReplies.FriendLinked(Id, requester);
        return Friends.Contains(requester) ? Decision.Reply(linked) : Decision.Store(new FriendAdded(requester), linked);
    }

    public Decision Decide(UserReplies.FriendLinked linked)
    {
        var friend = linked.UserId;
        var added = new UserReplies.FriendAdded(Id, friend);
        return Settle(PendingFriends.Contains(friend), new FriendAdded(friend), UserWait.Friend(friend), added);
    }

    /// <summary>The other user does not take the friendship (blocks this user, or does not exist): the pending link is dropped.</summary>
    public Decision Decide(FriendLinkDeclined declined)
    {
        var other = declined.UserId;
        var refused = new Refused(RefusalCodes.Refused, declined.Reason);
        return Settle(PendingFriends.Contains(other), new FriendLinkAbandoned(other), UserWait.Friend(other), refused);
    }

    // ---- friend requests ----

    /// <summary>Ask <see cref="SendFriendRequest.TargetId"/>; <paramref name="now"/> stamps a new request.</summary>
    public Decision Decide(SendFriendRequest cmd, DateTimeOffset now)
    {
        var target = cmd.TargetId;
        if (RefuseFriendRequest(target, cmd.Memo) is { } refusal) return Refuse(refusal);
        if (RefuseAnswer(target) is null) return Decide(new AcceptFriendRequest(Id, target)); // they asked first: asking back accepts
        var open = OutgoingRequests.GetValueOrDefault(target);
        if (open is not null && !UndeliveredRequests.Contains(target)) return Decision.Reply(new FriendRequestOpen(open));
        if (open is not null) return Decision.Ignore.Await(UserWait.Request(target));
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()); // as stored, so a re-delivery is equal
        var request = new FriendRequest(Id, target, cmd.Memo, at);
        return Decision.Store(new FriendRequestStarted(request)).Await(UserWait.Request(target)).Send(new DeliverFriendRequest(target, request));
    }

    /// <summary>An incoming request from the requester's entity; answered to that entity, never to a user.</summary>
    public Decision Decide(DeliverFriendRequest cmd)
    {
        var request = cmd.Request;
        if (RefuseIncomingRequest(request) is { } refusal) return Decision.Reply(new FriendRequestDeclined(Id, request.From, refusal));
        if (Friends.Contains(request.From) || PendingFriends.Contains(request.From))
            return Decision.Reply(new FriendRequestDeclined(Id, request.From, $"user {Id} is already your friend", AlreadyFriends: true));
        var stored = new FriendRequestStored(Id, request.From);
        return IncomingRequests.TryGetValue(request.From, out var known) && known == request
            ? Decision.Reply(stored)
            : Decision.Store(new FriendRequestReceived(request), stored);
    }

    public Decision Decide(FriendRequestStored stored)
    {
        var target = stored.TargetId;
        object reply = OutgoingRequests.TryGetValue(target, out var open)
            ? new FriendRequestOpen(open)
            : new Refused(RefusalCodes.Refused, $"the request to user {target} was closed");
        return Settle(UndeliveredRequests.Contains(target), new FriendRequestDelivered(target), UserWait.Request(target), reply);
    }

    public Decision Decide(FriendRequestDeclined declined)
    {
        var target = declined.TargetId;
        var refused = new Refused(RefusalCodes.Refused, declined.Reason);
        return Settle(UndeliveredRequests.Contains(target), new FriendRequestClosed(new FriendRequestKey(Id, target), TellPeer: false), UserWait.Request(target), refused);
    }

    /// <summary>Accepting records the friendship with the direct add's link saga (the asker gets <see cref="UserReplies.FriendAdded"/>).</summary>
    public Decision Decide(AcceptFriendRequest cmd)
    {
        var requester = cmd.RequesterId;
        if (Exists && Friends.Contains(requester) && !PendingFriends.Contains(requester)) return Decision.Reply(new UserReplies.FriendAdded(Id, requester));
        if (PendingFriends.Contains(requester)) return Decision.Ignore.Await(UserWait.Friend(requester));
        if (RefuseAnswer(requester) is { } refusal) return Refuse(refusal);
        return Decision.Store(new FriendRequestAccepted(requester))
            .Await(UserWait.Friend(requester))
            .Send(new LinkFriend(requester, Id))
            .Send(new CloseFriendRequest(requester, new FriendRequestKey(requester, Id)));
    }

    public Decision Decide(RejectFriendRequest cmd)
    {
        var key = new FriendRequestKey(cmd.RequesterId, Id);
        if (PendingRequestCloses.Contains(key) && !IncomingRequests.ContainsKey(cmd.RequesterId)) return Decision.Ignore.Await(UserWait.Reject(key));
        if (RefuseAnswer(cmd.RequesterId) is { } refusal) return Refuse(refusal);
        return Decision.Store(new FriendRequestClosed(key, TellPeer: true)).Await(UserWait.Reject(key)).Send(new CloseFriendRequest(cmd.RequesterId, key));
    }

    /// <summary>The other side closed a request between us: close it here too (idempotent).</summary>
    public Decision Decide(CloseFriendRequest cmd)
    {
        var key = cmd.Request;
        var recorded = new FriendRequestCloseRecorded(Id, key);
        var open = (key.To == Id && IncomingRequests.ContainsKey(key.From)) || (key.From == Id && OutgoingRequests.ContainsKey(key.To));
        return open ? Decision.Store(new FriendRequestClosed(key, TellPeer: false), recorded) : Decision.Reply(recorded);
    }

    public Decision Decide(FriendRequestCloseRecorded recorded)
    {
        var key = recorded.Request;
        var rejected = new FriendRequestRejected(Id, key.From);
        return Settle(PendingRequestCloses.Contains(key), new FriendRequestCloseConfirmed(key), UserWait.Reject(key), rejected);
    }

    // ---- removal ----

    public Decision Decide(RemoveFriend cmd)
    {
        var friend = cmd.FriendId;
        if (!Exists) return Refuse($"user {Id} does not exist");
        if (!Friends.Contains(friend) && !PendingUnfriends.Contains(friend)) return Refuse($"user {friend} is not your friend");
        if (!Friends.Contains(friend)) return Decision.Ignore.Await(UserWait.Unfriend(friend)); // already being removed
        return Decision.Store(new FriendRemovalStarted(friend)).Await(UserWait.Unfriend(friend)).Send(new UnlinkFriend(friend, Id));
    }

    public Decision Decide(UnlinkFriend cmd)
    {
        var unlinked = new FriendUnlinked(Id, cmd.RemoverId);
        return Friends.Contains(cmd.RemoverId) ? Decision.Store(new FriendRemoved(cmd.RemoverId), unlinked) : Decision.Reply(unlinked);
    }

    public Decision Decide(FriendUnlinked unlinked)
    {
        var friend = unlinked.UserId;
        var ended = new FriendshipEnded(Id, friend);
        return Settle(PendingUnfriends.Contains(friend), new FriendRemovalConfirmed(friend), UserWait.Unfriend(friend), ended);
    }

    // ---- blocks ----

    /// <summary>Blocking a user also closes the requests between the two, and tells them so.</summary>
    public Decision Decide(BlockUser cmd)
    {
        var target = cmd.TargetId;
        if (!Exists) return Refuse($"user {Id} does not exist");
        if (target == Id) return Refuse("you cannot block yourself");
        if (target.Value <= 0) return Refuse("the user id must be a positive number");
        var changed = new BlockChanged(Id, target, Blocked: true);
        var events = new List<IChatEvent>(3);
        if (!Blocked.Contains(target)) events.Add(new UserBlocked(target));
        if (IncomingRequests.ContainsKey(target)) events.Add(new FriendRequestClosed(new FriendRequestKey(target, Id), TellPeer: true));
        if (OutgoingRequests.ContainsKey(target)) events.Add(new FriendRequestClosed(new FriendRequestKey(Id, target), TellPeer: true));
        if (events.Count == 0) return Decision.Reply(changed);
        var decision = Decision.Store(events, changed);
        foreach (var e in events)
        {
            if (e is FriendRequestClosed closed) decision = decision.Send(new CloseFriendRequest(target, closed.Request));
        }
        return decision;
    }

    public Decision Decide(UnblockUser cmd)
    {
        if (!Exists) return Refuse($"user {Id} does not exist");
        if (!Blocked.Contains(cmd.TargetId)) return Refuse($"user {cmd.TargetId} is not blocked");
        return Decision.Store(new UserUnblocked(cmd.TargetId), new BlockChanged(Id, cmd.TargetId, Blocked: false));
    }

    private string? RefuseFriendRequest(UserId target, string memo)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (target == Id) return "you cannot send a friend request to yourself";
        if (target.Value <= 0) return "the user id must be a positive number";
        if (Friends.Contains(target)) return $"user {target} is already your friend";
        if (PendingFriends.Contains(target)) return $"a friendship with user {target} is being recorded";
        if (Blocked.Contains(target)) return $"you have blocked user {target}; unblock them first";
        if (memo.Length > MaxRequestMemoLength) return $"the request's memo is too long (at most {MaxRequestMemoLength} characters)";
        return null;
    }

    /// <summary>Why this user does not take <paramref name="request"/>, or null; an existing friendship is answered separately.</summary>
    private string? RefuseIncomingRequest(FriendRequest request)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (Blocked.Contains(request.From)) return $"user {Id} does not accept requests from you";
        return null;
    }

    private string? RefuseAnswer(UserId requester)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (!IncomingRequests.ContainsKey(requester) || Friends.Contains(requester)) return $"user {requester} has not sent you a friend request";
        return null;
    }

    private static Decision Refuse(string reason) => Decision.Refuse(RefusalCodes.Refused, reason);

    private UserState ApplyFriendship(IChatEvent e) => e switch
    {
        FriendLinkStarted f => this with { PendingFriends = PendingFriends.Add(f.FriendId) },
        FriendAdded f => this with { Friends = Friends.Add(f.FriendId), PendingFriends = PendingFriends.Remove(f.FriendId) },
        FriendLinkAbandoned f => this with { PendingFriends = PendingFriends.Remove(f.FriendId) },
        FriendRequestStarted s => this with
        {
            OutgoingRequests = OutgoingRequests.SetItem(s.Request.To, s.Request),
            UndeliveredRequests = UndeliveredRequests.Add(s.Request.To),
        },
        FriendRequestDelivered d => this with { UndeliveredRequests = UndeliveredRequests.Remove(d.TargetId) },
        FriendRequestReceived r => this with { IncomingRequests = IncomingRequests.SetItem(r.Request.From, r.Request) },
        FriendRequestAccepted a => this with
        {
            IncomingRequests = IncomingRequests.Remove(a.RequesterId),
            PendingFriends = Friends.Contains(a.RequesterId) ? PendingFriends : PendingFriends.Add(a.RequesterId),
            PendingRequestCloses = PendingRequestCloses.Add(new FriendRequestKey(a.RequesterId, Id)),
        },
        FriendRequestClosed c => CloseRequest(c.Request, c.TellPeer),
        FriendRequestCloseConfirmed c => this with { PendingRequestCloses = PendingRequestCloses.Remove(c.Request) },
        FriendRemovalStarted r => WithoutFriend(r.FriendId) with { PendingUnfriends = PendingUnfriends.Add(r.FriendId) },
        FriendRemoved r => WithoutFriend(r.FriendId),
        FriendRemovalConfirmed r => this with { PendingUnfriends = PendingUnfriends.Remove(r.FriendId) },
        UserBlocked b => this with { Blocked = Blocked.Add(b.TargetId) },
        UserUnblocked u => this with { Blocked = Blocked.Remove(u.TargetId) },
        _ => this,
    };

    private UserState CloseRequest(FriendRequestKey request, bool tellPeer)
    {
        var state = this;
        if (request.To == Id) state = state with { IncomingRequests = IncomingRequests.Remove(request.From) };
        if (request.From == Id)
        {
            state = state with
            {
                OutgoingRequests = state.OutgoingRequests.Remove(request.To),
                UndeliveredRequests = state.UndeliveredRequests.Remove(request.To),
            };
        }
        return tellPeer ? state with { PendingRequestCloses = state.PendingRequestCloses.Add(request) } : state;
    }

    /// <summary>Our half of a friendship goes, and with it any request between the two that is still kept.</summary>
    private UserState WithoutFriend(UserId friend) => this with
    {
        Friends = Friends.Remove(friend),
        IncomingRequests = IncomingRequests.Remove(friend),
        OutgoingRequests = OutgoingRequests.Remove(friend),
        UndeliveredRequests = UndeliveredRequests.Remove(friend),
    };

    /// <summary>The contact part of a snapshot.</summary>
    private UserContactsSnapshot ContactsSnapshot() => new(
        [.. IncomingRequests.Values.OrderBy(r => r.From.Value)],
        [.. OutgoingRequests.Values.OrderBy(r => r.To.Value)],
        [.. UndeliveredRequests.OrderBy(u => u.Value)],
        [.. PendingRequestCloses.OrderBy(k => k.From.Value).ThenBy(k => k.To.Value)],
        [.. PendingUnfriends.OrderBy(u => u.Value)],
        [.. Blocked]);

    private UserState WithContacts(UserContactsSnapshot c) => this with
    {
        IncomingRequests = c.IncomingRequests.ToImmutableDictionary(r => r.From),
        OutgoingRequests = c.OutgoingRequests.ToImmutableDictionary(r => r.To),
        UndeliveredRequests = [.. c.UndeliveredRequests],
        PendingRequestCloses = [.. c.PendingRequestCloses],
        PendingUnfriends = [.. c.PendingUnfriends],
        Blocked = ImmutableSortedSet.CreateRange(UserIdOrder.Instance, c.Blocked),
    };
}

/// <summary>The contact part of a user snapshot (friend requests, pending removals, blocks).</summary>
public sealed record UserContactsSnapshot(
    IReadOnlyList<FriendRequest> IncomingRequests,
    IReadOnlyList<FriendRequest> OutgoingRequests,
    IReadOnlyList<UserId> UndeliveredRequests,
    IReadOnlyList<FriendRequestKey> PendingRequestCloses,
    IReadOnlyList<UserId> PendingUnfriends,
    IReadOnlyList<UserId> Blocked)
{
    public static readonly UserContactsSnapshot Empty = new([], [], [], [], [], []);
}
