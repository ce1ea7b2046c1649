namespace AkkaChat.Core.Tests.Users;

using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Users.ContactEvents;
using static AkkaChat.Core.Users.UserEvents;

/// <summary>Friend requests, friend removal, blocks and room unlinking, folded into <see cref="UserState"/> without an actor.</summary>
public sealed class ContactStateSpec
{
    private static readonly UserId Alice = new(10_000);
    private static readonly UserId Bob = new(10_001);
    private static readonly UserId Carol = new(10_002);
    private static readonly RoomId Lobby = new(100);

    [Fact]
    public void An_unknown_user_is_refused_every_contact_change()
    {
        var state = UserState.Empty;

        Assert.NotNull(state.RefuseFriendRequest(Bob, ""));
        Assert.NotNull(state.RefuseAnswer(Bob));
        Assert.NotNull(state.RefuseRemoveFriend(Bob));
        Assert.NotNull(state.RefuseBlock(Bob));
        Assert.NotNull(state.RefuseUnblock(Bob));
    }

    [Fact]
    public void A_request_is_refused_to_yourself_to_a_friend_to_someone_you_block_and_with_a_long_memo()
    {
        var state = Apply(AliceCreated(), new FriendAdded(Carol), new UserBlocked(Bob));

        Assert.Contains("yourself", state.RefuseFriendRequest(Alice, ""));
        Assert.Contains("already your friend", state.RefuseFriendRequest(Carol, ""));
        Assert.Contains("blocked", state.RefuseFriendRequest(Bob, ""));
        Assert.Contains("too long", state.RefuseFriendRequest(new UserId(10_009), new string('m', UserState.MaxRequestMemoLength + 1)));
        Assert.Null(state.RefuseFriendRequest(new UserId(10_009), "hi"));
    }

    [Fact]
    public void A_started_request_is_outgoing_and_undelivered_until_the_target_stores_it()
    {
        var request = RequestTo(Bob);
        var started = Apply(AliceCreated(), new FriendRequestStarted(request));

        Assert.Equal(request, Assert.Single(started.OpenOutgoingRequests()));
        Assert.Equal(new[] { Bob }, started.UndeliveredRequests);

        var delivered = started.Apply(new FriendRequestDelivered(Bob));
        Assert.Equal(request, Assert.Single(delivered.OpenOutgoingRequests()));
        Assert.Empty(delivered.UndeliveredRequests);
    }

    [Fact]
    public void A_received_request_is_incoming_and_refused_when_the_requester_is_blocked()
    {
        var request = RequestFrom(Bob);
        var state = Apply(AliceCreated(), new FriendRequestReceived(request));

        Assert.Equal(request, Assert.Single(state.OpenIncomingRequests()));
        Assert.Null(state.RefuseIncomingRequest(request));
        Assert.Null(state.RefuseAnswer(Bob));
        Assert.NotNull(state.Apply(new UserBlocked(Bob)).RefuseIncomingRequest(request));
    }

    [Fact]
    public void Accepting_closes_the_incoming_request_starts_the_friend_link_and_tells_the_requester()
    {
        var state = Apply(AliceCreated(), new FriendRequestReceived(RequestFrom(Bob)), new FriendRequestAccepted(Bob));

        Assert.Empty(state.OpenIncomingRequests());
        Assert.Equal(new[] { Bob }, state.PendingFriends);
        Assert.Equal(new[] { new FriendRequestKey(Bob, Alice) }, state.PendingRequestCloses);

        var linked = Apply(state, new FriendAdded(Bob), new FriendRequestCloseConfirmed(new FriendRequestKey(Bob, Alice)));
        Assert.Equal(new[] { Bob }, linked.Friends);
        Assert.Empty(linked.PendingFriends);
        Assert.Empty(linked.PendingRequestCloses);
    }

    [Fact]
    public void Rejecting_closes_the_request_here_and_keeps_telling_the_requester_until_confirmed()
    {
        var key = new FriendRequestKey(Bob, Alice);
        var rejected = Apply(AliceCreated(), new FriendRequestReceived(RequestFrom(Bob)), new FriendRequestClosed(key, TellPeer: true));

        Assert.Empty(rejected.IncomingRequests);
        Assert.Equal(new[] { key }, rejected.PendingRequestCloses);
        Assert.NotNull(rejected.RefuseAnswer(Bob));
        Assert.Empty(rejected.Apply(new FriendRequestCloseConfirmed(key)).PendingRequestCloses);
    }

    [Fact]
    public void A_close_from_the_other_side_removes_the_outgoing_request_without_telling_anyone()
    {
        var state = Apply(AliceCreated(), new FriendRequestStarted(RequestTo(Bob)), new FriendRequestClosed(new FriendRequestKey(Alice, Bob), TellPeer: false));

        Assert.Empty(state.OutgoingRequests);
        Assert.Empty(state.UndeliveredRequests);
        Assert.Empty(state.PendingRequestCloses);
    }

    [Fact]
    public void Requests_between_friends_are_not_open_and_are_dropped_when_the_friendship_ends()
    {
        var state = Apply(AliceCreated(), new FriendRequestReceived(RequestFrom(Bob)), new FriendAdded(Bob));
        Assert.Empty(state.OpenIncomingRequests());
        Assert.NotNull(state.Decide(new ContactCommands.RejectFriendRequest(Alice, Bob)).Refusal()); // not open: nothing to answer

        var removed = state.Apply(new FriendRemoved(Bob));
        Assert.Empty(removed.IncomingRequests);
        Assert.Empty(removed.OpenIncomingRequests());
    }

    [Fact]
    public void Removing_a_friend_drops_our_half_at_once_and_stays_pending_until_confirmed()
    {
        var friends = Apply(AliceCreated(), new FriendAdded(Bob), new FriendAdded(Carol));
        Assert.Null(friends.RefuseRemoveFriend(Bob));
        Assert.Contains("not your friend", friends.RefuseRemoveFriend(new UserId(10_009)));

        var started = friends.Apply(new FriendRemovalStarted(Bob));
        Assert.Equal(new[] { Carol }, started.Friends);
        Assert.Equal(new[] { Bob }, started.PendingUnfriends);
        Assert.Null(started.RefuseRemoveFriend(Bob)); // asking again waits for the same removal

        var confirmed = started.Apply(new FriendRemovalConfirmed(Bob));
        Assert.Empty(confirmed.PendingUnfriends);
        Assert.Equal(new[] { Carol }, confirmed.Friends);
    }

    [Fact]
    public void Blocking_keeps_the_friendship_and_closes_the_requests_between_the_two()
    {
        var state = Apply(AliceCreated(), new FriendAdded(Carol), new FriendRequestReceived(RequestFrom(Bob)), new FriendRequestStarted(RequestTo(Bob)));

        var decided = state.DecideBlock(Bob);
        Assert.Equal(
            new IChatEvent[]
            {
                new UserBlocked(Bob),
                new FriendRequestClosed(new FriendRequestKey(Bob, Alice), TellPeer: true),
                new FriendRequestClosed(new FriendRequestKey(Alice, Bob), TellPeer: true),
            },
            decided);

        var blocked = Apply(state, [.. decided]);
        Assert.Equal(new[] { Bob }, blocked.Blocked);
        Assert.Empty(blocked.IncomingRequests);
        Assert.Empty(blocked.OutgoingRequests);
        Assert.Equal(2, blocked.PendingRequestCloses.Count);

        var blockedFriend = Apply(blocked, blocked.DecideBlock(Carol).ToArray());
        Assert.Equal(new[] { Bob, Carol }, blockedFriend.Blocked);
        Assert.Equal(new[] { Carol }, blockedFriend.Friends);
    }

    [Fact]
    public void Blocking_again_changes_nothing_and_unblocking_needs_a_block()
    {
        var blocked = Apply(AliceCreated(), new UserBlocked(Bob));

        Assert.Empty(blocked.DecideBlock(Bob));
        Assert.Contains("yourself", blocked.RefuseBlock(Alice));
        Assert.Null(blocked.RefuseUnblock(Bob));
        Assert.Contains("not blocked", blocked.RefuseUnblock(Carol));

        var unblocked = blocked.Apply(new UserUnblocked(Bob));
        Assert.Empty(unblocked.Blocked);
        Assert.NotNull(unblocked.RefuseUnblock(Bob));
    }

    [Fact]
    public void Leaving_a_room_forgets_it_its_ownership_and_its_mark()
    {
        var state = Apply(AliceCreated(), new RoomLinkStarted(Lobby, null), new RoomLinked(Lobby, Owner: true, Mark: 7));
        Assert.True(state.HoldsRoom(Lobby));

        var left = state.Apply(new RoomUnlinked(Lobby));
        Assert.Empty(left.Rooms);
        Assert.Empty(left.OwnedRooms);
        Assert.False(left.RoomMarks.ContainsKey(Lobby));
        Assert.False(left.HoldsRoom(Lobby));
    }

    [Fact]
    public void Ownership_changes_move_the_room_in_and_out_of_owned_rooms()
    {
        var member = Apply(AliceCreated(), new RoomLinked(Lobby, Owner: false, Mark: 0));

        var owner = member.Apply(new RoomOwnershipChanged(Lobby, Owned: true));
        Assert.Equal(new[] { Lobby }, owner.OwnedRooms);
        Assert.Empty(owner.Apply(new RoomOwnershipChanged(Lobby, Owned: false)).OwnedRooms);
        Assert.Equal(new[] { Lobby }, owner.Rooms);
    }

    [Fact]
    public void The_snapshot_keeps_requests_pending_changes_and_blocks()
    {
        var state = Apply(
            AliceCreated(),
            new FriendRequestReceived(RequestFrom(Carol)),
            new FriendRequestStarted(RequestTo(new UserId(10_005))),
            new FriendRequestStarted(RequestTo(new UserId(10_006))),
            new FriendRequestDelivered(new UserId(10_006)),
            new FriendAdded(Bob),
            new FriendRemovalStarted(Bob),
            new FriendRequestReceived(RequestFrom(new UserId(10_007))),
            new FriendRequestClosed(new FriendRequestKey(new UserId(10_007), Alice), TellPeer: true),
            new UserBlocked(new UserId(10_008)));

        var restored = UserState.Empty.Apply(state.ToSnapshot());

        Assert.Equal(state.IncomingRequests, restored.IncomingRequests);
        Assert.Equal(state.OutgoingRequests.OrderBy(kv => kv.Key.Value), restored.OutgoingRequests.OrderBy(kv => kv.Key.Value));
        Assert.Equal(new[] { new UserId(10_005) }, restored.UndeliveredRequests);
        Assert.Equal(state.PendingRequestCloses, restored.PendingRequestCloses);
        Assert.Equal(new[] { Bob }, restored.PendingUnfriends);
        Assert.Equal(new[] { new UserId(10_008) }, restored.Blocked);
        Assert.Empty(restored.Friends);
    }

    private static FriendRequest RequestTo(UserId target) => new(Alice, target, "hello " + target, Samples.At);

    private static FriendRequest RequestFrom(UserId requester) => new(requester, Alice, "hi from " + requester, Samples.At.AddMinutes(1));

    private static UserState AliceCreated() => UserState.Empty.Apply(new UserCreated(Alice, "13800000000", Samples.Profile("alice"), Samples.At));

    private static UserState Apply(UserState state, params IChatEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));
}
