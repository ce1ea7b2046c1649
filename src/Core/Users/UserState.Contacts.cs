namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ContactEvents;

/// <summary>
/// Friend requests, friend removal, blocks, and this user's half of room membership changes decided by rooms.
/// Every change that concerns another user is recorded here first as an intent (a pending set), then confirmed
/// once the other entity has recorded its half; pending intents are what the entity re-sends after recovery.
/// </summary>
public sealed partial record UserState
{
    public const int MaxRequestMemoLength = 280;

    /// <summary>Requests other users sent to this user, by requester.</summary>
    public ImmutableDictionary<UserId, FriendRequest> IncomingRequests { get; init; } = ImmutableDictionary<UserId, FriendRequest>.Empty;

    /// <summary>Requests this user sent, by target (including those still being delivered).</summary>
    public ImmutableDictionary<UserId, FriendRequest> OutgoingRequests { get; init; } = ImmutableDictionary<UserId, FriendRequest>.Empty;

    /// <summary>Targets of outgoing requests that have not confirmed receiving them yet.</summary>
    public ImmutableHashSet<UserId> UndeliveredRequests { get; init; } = [];

    /// <summary>Requests closed here (rejected, accepted, withdrawn) whose other side has not confirmed closing them yet.</summary>
    public ImmutableHashSet<FriendRequestKey> PendingRequestCloses { get; init; } = [];

    /// <summary>Former friends this user removed whose entity has not confirmed removing their half yet.</summary>
    public ImmutableHashSet<UserId> PendingUnfriends { get; init; } = [];

    public ImmutableSortedSet<UserId> Blocked { get; init; } = ImmutableSortedSet.Create<UserId>(UserIdOrder.Instance);

    /// <summary>
    /// Open incoming requests, newest first. A request between users who are friends by now (they also used the
    /// seed's direct add) is not open; it is dropped for good when the friendship ends.
    /// </summary>
    public IReadOnlyList<FriendRequest> OpenIncomingRequests() =>
        [.. IncomingRequests.Values.Where(r => !Friends.Contains(r.From)).OrderByDescending(r => r.At).ThenBy(r => r.From.Value)];

    /// <summary>Open outgoing requests, newest first (see <see cref="OpenIncomingRequests"/>).</summary>
    public IReadOnlyList<FriendRequest> OpenOutgoingRequests() =>
        [.. OutgoingRequests.Values.Where(r => !Friends.Contains(r.To)).OrderByDescending(r => r.At).ThenBy(r => r.To.Value)];

    public string? RefuseFriendRequest(UserId target, string memo)
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
    public string? RefuseIncomingRequest(FriendRequest request)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (Blocked.Contains(request.From)) return $"user {Id} does not accept requests from you";
        return null;
    }

    public string? RefuseAnswer(UserId requester)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (!IncomingRequests.ContainsKey(requester) || Friends.Contains(requester)) return $"user {requester} has not sent you a friend request";
        return null;
    }

    public string? RefuseRemoveFriend(UserId friend)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (!Friends.Contains(friend) && !PendingUnfriends.Contains(friend)) return $"user {friend} is not your friend";
        return null;
    }

    public string? RefuseBlock(UserId target)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (target == Id) return "you cannot block yourself";
        if (target.Value <= 0) return "the user id must be a positive number";
        return null;
    }

    public string? RefuseUnblock(UserId target)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (!Blocked.Contains(target)) return $"user {target} is not blocked";
        return null;
    }

    /// <summary>Blocking a user also closes the requests between the two, and tells them so.</summary>
    public IReadOnlyList<IChatEvent> DecideBlock(UserId target)
    {
        var events = new List<IChatEvent>(3);
        if (!Blocked.Contains(target)) events.Add(new UserBlocked(target));
        if (IncomingRequests.ContainsKey(target)) events.Add(new FriendRequestClosed(new FriendRequestKey(target, Id), TellPeer: true));
        if (OutgoingRequests.ContainsKey(target)) events.Add(new FriendRequestClosed(new FriendRequestKey(Id, target), TellPeer: true));
        return events;
    }

    /// <summary>Whether this user's entity still has to record leaving <paramref name="room"/> (it knows of the room in any way).</summary>
    public bool HoldsRoom(RoomId room) => Rooms.Contains(room) || OwnedRooms.Contains(room) || RoomMarks.ContainsKey(room);

    private UserState ApplyContact(IContactEvent e) => e switch
    {
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
        RoomUnlinked r => this with
        {
            Rooms = Rooms.Remove(r.RoomId),
            OwnedRooms = OwnedRooms.Remove(r.RoomId),
            RoomMarks = RoomMarks.Remove(r.RoomId),
        },
        RoomOwnershipChanged o => this with { OwnedRooms = o.Owned ? OwnedRooms.Add(o.RoomId) : OwnedRooms.Remove(o.RoomId) },
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
