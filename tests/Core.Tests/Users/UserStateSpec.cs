namespace AkkaChat.Core.Tests.Users;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Users.UserEvents;

public sealed class UserStateSpec
{
    private static readonly UserId Alice = new(10_000);
    private static readonly UserId Bob = new(10_001);
    private static readonly UserId Carol = new(10_002);
    private static readonly RoomId Lobby = new(100);
    private static readonly RoomId Garden = new(101);
    private static readonly RoomId Attic = new(102);

    [Fact]
    public void An_unknown_user_does_not_exist_and_is_refused_everything()
    {
        var state = UserState.Empty;

        Assert.False(state.Exists);
        Assert.NotNull(state.RefuseAddFriend(Bob));
        Assert.NotNull(state.RefuseCreateRoom(Samples.Room("lobby"), maxOwnedRooms: 10));
        Assert.NotNull(state.RefuseSendDirect(Bob, Samples.Text("hi")));
    }

    [Fact]
    public void UserCreated_makes_the_user_exist_with_its_profile()
    {
        var state = AliceCreated();

        Assert.True(state.Exists);
        Assert.Equal(Alice, state.Id);
        Assert.Equal("13800000000", state.Mobile);
        Assert.Equal(new PublicProfile(Alice, "alice", "alice.png", "f", "memo of alice", Samples.At), state.PublicProfile);
        Assert.Empty(state.Friends);
        Assert.Empty(state.Rooms);
        Assert.Equal(0, state.InboxSeq);
    }

    [Fact]
    public void FriendLinkStarted_marks_the_friend_pending_but_not_a_friend()
    {
        var state = Apply(AliceCreated(), new FriendLinkStarted(Bob));

        Assert.Equal(new[] { Bob }, state.PendingFriends);
        Assert.Empty(state.Friends);
    }

    [Fact]
    public void FriendAdded_completes_a_pending_link()
    {
        var state = Apply(AliceCreated(), new FriendLinkStarted(Bob), new FriendAdded(Bob));

        Assert.Equal(new[] { Bob }, state.Friends);
        Assert.Empty(state.PendingFriends);
    }

    [Fact]
    public void FriendAdded_records_the_other_half_without_a_pending_link()
    {
        var state = Apply(AliceCreated(), new FriendAdded(Carol));

        Assert.Equal(new[] { Carol }, state.Friends);
        Assert.Empty(state.PendingFriends);
    }

    [Fact]
    public void Friends_are_listed_in_id_order_without_duplicates()
    {
        var state = Apply(AliceCreated(), new FriendAdded(new UserId(10_005)), new FriendAdded(Bob), new FriendAdded(new UserId(10_003)), new FriendAdded(Bob));

        Assert.Equal(new[] { Bob, new UserId(10_003), new UserId(10_005) }, state.Friends);
    }

    [Fact]
    public void FriendLinkAbandoned_drops_the_pending_link()
    {
        var state = Apply(AliceCreated(), new FriendLinkStarted(Bob), new FriendLinkStarted(Carol), new FriendLinkAbandoned(Bob));

        Assert.Equal(new[] { Carol }, state.PendingFriends);
        Assert.Empty(state.Friends);
    }

    [Fact]
    public void RoomLinkStarted_records_a_pending_create_or_join()
    {
        var create = new RoomLinkStarted(Lobby, Samples.Room("lobby"));
        var join = new RoomLinkStarted(Garden, null);

        var state = Apply(AliceCreated(), create, join);

        Assert.Equal(create, state.PendingRooms[Lobby]);
        Assert.Equal(join, state.PendingRooms[Garden]);
        Assert.Empty(state.Rooms);
        Assert.Equal(1, state.OwnedOrCreatingRooms);
    }

    [Fact]
    public void RoomLinked_as_owner_adds_an_owned_room_with_its_join_mark()
    {
        var state = Apply(AliceCreated(), new RoomLinkStarted(Lobby, Samples.Room("lobby")), new RoomLinked(Lobby, Owner: true, Mark: 0));

        Assert.Equal(new[] { Lobby }, state.Rooms);
        Assert.Equal(new[] { Lobby }, state.OwnedRooms);
        Assert.Empty(state.PendingRooms);
        Assert.Equal(0, state.RoomMarks[Lobby]);
        Assert.Equal(1, state.OwnedOrCreatingRooms);
    }

    [Fact]
    public void RoomLinked_as_member_adds_a_room_that_is_not_owned()
    {
        var state = Apply(AliceCreated(), new RoomLinkStarted(Garden, null), new RoomLinked(Garden, Owner: false, Mark: 42));

        Assert.Equal(new[] { Garden }, state.Rooms);
        Assert.Empty(state.OwnedRooms);
        Assert.Equal(42, state.RoomMarks[Garden]);
        Assert.Equal(0, state.OwnedOrCreatingRooms);
    }

    [Fact]
    public void RoomLinked_again_keeps_the_mark_already_stored()
    {
        var state = Apply(AliceCreated(), new RoomLinked(Garden, false, 5), new RoomMarksAdvanced(new Dictionary<RoomId, long> { [Garden] = 9 }), new RoomLinked(Garden, false, 7));

        Assert.Equal(9, state.RoomMarks[Garden]);
        Assert.Equal(new[] { Garden }, state.Rooms);
    }

    [Fact]
    public void Rooms_are_listed_in_id_order()
    {
        var state = Apply(AliceCreated(), new RoomLinked(Attic, false, 0), new RoomLinked(Lobby, false, 0), new RoomLinked(Garden, false, 0));

        Assert.Equal(new[] { Lobby, Garden, Attic }, state.Rooms);
    }

    [Fact]
    public void RoomLinkAbandoned_drops_the_pending_link()
    {
        var state = Apply(AliceCreated(), new RoomLinkStarted(Lobby, Samples.Room("lobby")), new RoomLinkAbandoned(Lobby));

        Assert.Empty(state.PendingRooms);
        Assert.Empty(state.Rooms);
        Assert.Equal(0, state.OwnedOrCreatingRooms);
    }

    [Fact]
    public void DirectMessageStored_advances_the_inbox_and_keeps_the_message()
    {
        var message = new DirectMessage(1, Bob, Alice, Samples.Text("hi"), Samples.At);

        var state = Apply(AliceCreated(), new DirectMessageStored(message));

        Assert.Equal(1, state.InboxSeq);
        Assert.Equal(new[] { new InboxEntry(1, 0, Bob, Outgoing: false, Samples.At, "") }, state.RecentInbox);
    }

    [Fact]
    public void InboxDelivered_only_moves_the_delivered_mark_forward()
    {
        var state = Apply(WithInbox(AliceCreated(), 5), new InboxDelivered(4), new InboxDelivered(2));

        Assert.Equal(4, state.DeliveredThrough);
    }

    [Fact]
    public void RoomMarksAdvanced_only_moves_marks_forward()
    {
        var state = Apply(
            AliceCreated(),
            new RoomLinked(Lobby, false, 3),
            new RoomLinked(Garden, false, 10),
            new RoomMarksAdvanced(new Dictionary<RoomId, long> { [Lobby] = 8, [Garden] = 4 }));

        Assert.Equal(8, state.RoomMarks[Lobby]);
        Assert.Equal(10, state.RoomMarks[Garden]);
    }

    [Fact]
    public void An_event_of_another_entity_leaves_the_state_unchanged()
    {
        var state = AliceCreated();

        Assert.Same(state, state.Apply(new RoomEvents.MemberJoined(Bob, Samples.At)));
    }

    [Fact]
    public void RefuseAddFriend_refuses_the_user_themselves()
    {
        Assert.NotNull(AliceCreated().RefuseAddFriend(Alice));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void RefuseAddFriend_refuses_an_id_that_cannot_exist(long friend)
    {
        Assert.NotNull(AliceCreated().RefuseAddFriend(new UserId(friend)));
    }

    [Fact]
    public void RefuseAddFriend_refuses_when_the_requesting_user_is_unknown()
    {
        var unknown = UserState.Empty with { Id = Alice };

        Assert.Contains("does not exist", unknown.RefuseAddFriend(Bob), StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseAddFriend_accepts_another_user_and_an_existing_friend()
    {
        var state = Apply(AliceCreated(), new FriendAdded(Carol));

        Assert.Null(state.RefuseAddFriend(Bob));
        Assert.Null(state.RefuseAddFriend(Carol));
    }

    [Fact]
    public void RefuseCreateRoom_counts_owned_rooms_and_pending_creates_but_not_pending_joins()
    {
        var state = Apply(
            AliceCreated(),
            new RoomLinked(Lobby, Owner: true, Mark: 0),
            new RoomLinked(Attic, Owner: false, Mark: 0),
            new RoomLinkStarted(Garden, Samples.Room("garden")),
            new RoomLinkStarted(new RoomId(103), null));

        Assert.Equal(2, state.OwnedOrCreatingRooms);
        Assert.NotNull(state.RefuseCreateRoom(Samples.Room("more"), maxOwnedRooms: 2));
        Assert.Null(state.RefuseCreateRoom(Samples.Room("more"), maxOwnedRooms: 3));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void RefuseCreateRoom_refuses_a_blank_name(string name)
    {
        Assert.NotNull(AliceCreated().RefuseCreateRoom(Samples.Room("x") with { Name = name }, maxOwnedRooms: 10));
    }

    [Fact]
    public void RefuseSendDirect_refuses_a_user_who_is_not_a_friend_yet()
    {
        var state = Apply(AliceCreated(), new FriendLinkStarted(Bob));

        Assert.NotNull(state.RefuseSendDirect(Bob, Samples.Text("hi")));
        Assert.NotNull(state.RefuseSendDirect(Carol, Samples.Text("hi")));
    }

    [Fact]
    public void RefuseSendDirect_refuses_the_user_themselves()
    {
        Assert.NotNull(AliceCreated().RefuseSendDirect(Alice, Samples.Text("hi")));
    }

    [Fact]
    public void RefuseSendDirect_bounds_the_text_of_all_fields_together()
    {
        var state = Apply(AliceCreated(), new FriendAdded(Bob));
        var quarter = ChatPayload.MaxTextLength / 4;
        var atLimit = new ChatPayload(Media: 7, new string('c', quarter), new string('p', quarter), new string('u', quarter), new string('m', quarter), 0);

        Assert.Null(state.RefuseSendDirect(Bob, atLimit));
        Assert.NotNull(state.RefuseSendDirect(Bob, atLimit with { Memo = atLimit.Memo + "!" }));
        Assert.NotNull(state.RefuseSendDirect(Bob, Samples.TextOfLength(ChatPayload.MaxTextLength + 1)));
    }

    [Fact]
    public void RefuseSendDirect_accepts_a_friend()
    {
        Assert.Null(Apply(AliceCreated(), new FriendAdded(Bob)).RefuseSendDirect(Bob, Samples.Text("hi")));
    }

    [Fact]
    public void NextInboxMessage_numbers_the_inbox_densely()
    {
        var state = AliceCreated();
        for (var expected = 1L; expected <= 5; expected++)
        {
            var message = state.NextInboxMessage(Bob, Alice, Samples.Text("m" + expected), Samples.At, messageId: 900 + expected, cid: "");
            Assert.Equal(new DirectMessage(expected, Bob, Alice, Samples.Text("m" + expected), Samples.At, 900 + expected, ""), message);
            state = state.Apply(new DirectMessageStored(message));
        }
        Assert.Equal(5, state.InboxSeq);
    }

    [Fact]
    public void The_backlog_starts_after_the_delivered_mark()
    {
        var state = Apply(WithInbox(AliceCreated(), 10), new InboxDelivered(7));

        Assert.Equal(7, state.UndeliveredAfter());
        Assert.Equal(10, Apply(state, new InboxDelivered(10)).UndeliveredAfter());
        Assert.Equal(0, WithInbox(AliceCreated(), 3).UndeliveredAfter());
    }

    [Fact]
    public void The_backlog_is_capped_keeping_the_newest()
    {
        var state = Apply(WithInbox(AliceCreated(), UserState.MaxBacklog + 150), new InboxDelivered(20));

        Assert.Equal(150, state.UndeliveredAfter()); // 151 .. 650: the newest 500
    }

    [Fact]
    public void Recalled_messages_do_not_count_towards_the_backlog_cap()
    {
        var state = Apply(WithInbox(AliceCreated(), UserState.MaxBacklog + 150), new InboxDelivered(20));
        state = Recall(state, 600, 601, 150, 149);

        // Two recalls among 151 .. 650 take two more below, skipping the recalled 150 and 149: 147 .. 650, less the recalled.
        Assert.Equal(146, state.UndeliveredAfter());
        // All recalled down to the mark: nothing to count, it starts at the mark.
        Assert.Equal(7, Recall(Apply(WithInbox(AliceCreated(), 10), new InboxDelivered(7)), 8, 9, 10).UndeliveredAfter());
    }

    [Fact]
    public void The_first_seed_000_socket_is_told_where_its_backlog_starts_and_the_recalls_past_the_delivered_mark()
    {
        var state = Recall(Apply(WithInbox(AliceCreated(), 10), new InboxDelivered(5)), 3, 6, 9);

        var connected = Connected(state.Decide(new UserCommands.Connect(Alice, Akka.Actor.ActorRefs.Nobody), socketsBefore: 0, socketsAfter: 1));

        Assert.Equal((5L, 10L), (connected.BacklogAfter, connected.InboxHead));
        Assert.Equal(new long[] { 6, 9 }, connected.RecalledInbox);
        Assert.Empty(connected.InboxRecalls);
    }

    [Fact]
    public void A_second_seed_000_socket_and_a_resuming_socket_have_no_backlog()
    {
        var state = Recall(Apply(WithInbox(AliceCreated(), 10), new InboxDelivered(5)), 3, 6, 9);

        var second = Connected(state.Decide(new UserCommands.Connect(Alice, Akka.Actor.ActorRefs.Nobody), socketsBefore: 1, socketsAfter: 2));
        var resuming = Connected(state.Decide(new UserCommands.Connect(Alice, Akka.Actor.ActorRefs.Nobody, ReplayUndelivered: false), socketsBefore: 0, socketsAfter: 1));

        Assert.Equal((10L, 10L), (second.BacklogAfter, second.InboxHead));
        // Past the mark, as to the first: a socket registering again after the entity moved reads what it lost from its cursor.
        Assert.Equal(new long[] { 6, 9 }, second.RecalledInbox);
        Assert.Empty(second.InboxRecalls);
        Assert.Equal(10, resuming.BacklogAfter);
        Assert.Equal(new long[] { 3, 6, 9 }, resuming.RecalledInbox); // every recall: it reads from cursors of its own
        Assert.Equal(new long[] { 3, 6, 9 }, resuming.InboxRecalls.Select(r => r.Seq));
    }

    [Fact]
    public void RecentInbox_keeps_only_the_newest_messages()
    {
        var state = WithInbox(AliceCreated(), UserState.RecentInboxCapacity + 7);

        Assert.Equal(UserState.RecentInboxCapacity, state.RecentInbox.Count);
        Assert.Equal(8, state.RecentInbox.First().Seq);
        Assert.Equal(UserState.RecentInboxCapacity + 7, state.RecentInbox.Last().Seq);
        Assert.Equal(UserState.RecentInboxCapacity + 7, state.InboxSeq);
    }

    [Fact]
    public void AdvancedMarks_reports_only_forward_moves_in_rooms_the_user_is_in()
    {
        var state = Apply(
            AliceCreated(),
            new RoomLinked(Lobby, false, 5),
            new RoomLinked(Garden, false, 5),
            new RoomLinkStarted(Attic, null));

        var advanced = state.AdvancedMarks(new Dictionary<RoomId, long> { [Lobby] = 9, [Garden] = 5, [Attic] = 3, [new RoomId(999)] = 1 });

        Assert.Equal(new Dictionary<RoomId, long> { [Lobby] = 9 }, advanced);
        Assert.Empty(state.AdvancedMarks(new Dictionary<RoomId, long> { [Lobby] = 4 }));
    }

    [Fact]
    public void A_snapshot_restores_an_equivalent_state()
    {
        var sent = new DirectMessage(13, Alice, Bob, Samples.Text("sent"), Samples.At, 7001, "cid-sent");
        var received = new DirectMessage(14, Carol, Alice, Samples.Text("received"), Samples.At, 7002, "cid-received");
        var state = Apply(
            WithInbox(AliceCreated(), 12),
            new DirectMessageStored(sent),
            new DirectMessageStored(received),
            new FriendAdded(Carol),
            new FriendAdded(Bob),
            new FriendLinkStarted(new UserId(10_010)),
            new RoomLinked(Garden, Owner: true, Mark: 0),
            new RoomLinked(Lobby, Owner: false, Mark: 4),
            new RoomLinkStarted(Attic, Samples.Room("attic")),
            new RoomLinkStarted(new RoomId(103), null),
            new InboxDelivered(9),
            new RoomMarksAdvanced(new Dictionary<RoomId, long> { [Lobby] = 6 }));

        var restored = UserState.Empty.Apply(state.ToSnapshot());

        AssertEquivalent(state, restored);
        AssertEquivalent(restored, restored.Apply(restored.ToSnapshot()));
        Assert.Equal(sent, restored.ResentBySelf(new UserCommands.SendDirect(Alice, Bob, sent.Payload, 1, Akka.Actor.ActorRefs.Nobody, "cid-sent")));
        Assert.Equal(InboxEntry.Of(received, Alice), restored.ResentBy(Carol, "cid-received"));
        Assert.Null(restored.ResentBy(Bob, "cid-received")); // a cid names a message only with its sender
    }

    [Fact]
    public void A_snapshot_replaces_whatever_state_it_is_applied_to()
    {
        var snapshot = WithInbox(AliceCreated(), 2).ToSnapshot();
        var other = Apply(UserState.Empty.Apply(new UserCreated(Bob, "13900000000", Samples.Profile("bob"), Samples.At)), new FriendAdded(Carol));

        AssertEquivalent(UserState.Empty.Apply(snapshot), other.Apply(snapshot));
    }

    private static UserState AliceCreated() =>
        UserState.Empty.Apply(new UserCreated(Alice, "13800000000", Samples.Profile("alice"), Samples.At));

    private static UserState Apply(UserState state, params IChatEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));

    /// <summary>Stores <paramref name="count"/> incoming messages from Bob.</summary>
    private static UserState WithInbox(UserState state, int count)
    {
        for (var i = 0; i < count; i++)
            state = state.Apply(new DirectMessageStored(state.NextInboxMessage(Bob, state.Id, Samples.Text("m" + (i + 1)), Samples.At.AddSeconds(i), messageId: 500 + i, cid: "")));
        return state;
    }

    /// <summary>Recalls the inbox messages <paramref name="seqs"/> (their ids as <see cref="WithInbox"/> gives them).</summary>
    private static UserState Recall(UserState state, params long[] seqs) =>
        seqs.Aggregate(state, (s, seq) => s.Apply(new ConversationEvents.DirectMessageRecalled(seq, 499 + seq, Samples.At)));

    private static UserReplies.Connected Connected(Decision decision) => Assert.IsType<UserReplies.Connected>(decision.ReplyMessage);

    /// <summary>Records compare their collections by reference; this compares what they hold.</summary>
    private static void AssertEquivalent(UserState expected, UserState actual)
    {
        Assert.Equal(expected.Exists, actual.Exists);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Mobile, actual.Mobile);
        Assert.Equal(expected.Profile, actual.Profile);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.Friends, actual.Friends);
        Assert.True(expected.PendingFriends.SetEquals(actual.PendingFriends), "pending friends differ");
        Assert.Equal(expected.Rooms, actual.Rooms);
        Assert.True(expected.OwnedRooms.SetEquals(actual.OwnedRooms), "owned rooms differ");
        Assert.Equal(expected.PendingRooms.OrderBy(p => p.Key.Value), actual.PendingRooms.OrderBy(p => p.Key.Value));
        Assert.Equal(expected.InboxSeq, actual.InboxSeq);
        Assert.Equal(expected.DeliveredThrough, actual.DeliveredThrough);
        Assert.Equal(expected.RecentInbox, actual.RecentInbox);
        Assert.Equal(expected.RecentInbox.Capacity, actual.RecentInbox.Capacity);
        Assert.Equal(expected.RoomMarks.OrderBy(m => m.Key.Value), actual.RoomMarks.OrderBy(m => m.Key.Value));
        Assert.Equal(expected.OwnedOrCreatingRooms, actual.OwnedOrCreatingRooms);
        Assert.Equal(expected.UndeliveredAfter(), actual.UndeliveredAfter());
    }
}
