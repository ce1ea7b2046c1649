namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactEvents;
using static AkkaChat.Core.Users.ContactReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// What the user entity runs: each command's <see cref="Decision"/> — events, reply or refusal, the waiters it parks or
/// answers, the commands it sends — and the saga commands <see cref="UserState.Outstanding"/> keeps re-sending.
/// </summary>
public sealed class UserDecisionSpec
{
    private static readonly UserId Alice = new(10_000);
    private static readonly UserId Bob = new(10_001);
    private static readonly UserId Carol = new(10_002);
    private static readonly RoomId Lobby = new(100);
    private static readonly RoomId Garden = new(101);

    [Fact]
    public void Outstanding_lists_every_unconfirmed_saga_command_and_nothing_once_confirmed()
    {
        var toCarol = new FriendRequest(Alice, Carol, "hi", Samples.At);
        var fromDave = new FriendRequest(new UserId(10_003), Alice, "hey", Samples.At);
        var state = Apply(
            AliceCreated(),
            new FriendLinkStarted(Bob),
            new FriendRequestStarted(toCarol),
            new FriendRequestReceived(fromDave),
            new FriendRequestClosed(fromDave.Key, TellPeer: true),
            new UserEvents.FriendAdded(new UserId(10_004)),
            new FriendRemovalStarted(new UserId(10_004)),
            new RoomLinkStarted(Lobby, Samples.Room("lobby")),
            new RoomLinkStarted(Garden, null));

        var outstanding = state.Outstanding.ToList();
        Assert.Equal(6, outstanding.Count);
        Assert.Contains(new LinkFriend(Bob, Alice), outstanding);
        Assert.Contains(new DeliverFriendRequest(Carol, toCarol), outstanding);
        Assert.Contains(new CloseFriendRequest(fromDave.From, fromDave.Key), outstanding);
        Assert.Contains(new UnlinkFriend(new UserId(10_004), Alice), outstanding);
        Assert.Contains(new RoomCommands.AddMember(Garden, Alice), outstanding);
        var create = Assert.Single(outstanding.OfType<RoomCommands.CreateRoomLog>());
        Assert.Equal((Lobby, Alice, Samples.Room("lobby")), (create.RoomId, create.OwnerId, create.Fields));

        var confirmed = Apply(
            state,
            new UserEvents.FriendAdded(Bob),
            new FriendRequestDelivered(Carol),
            new FriendRequestCloseConfirmed(fromDave.Key),
            new FriendRemovalConfirmed(new UserId(10_004)),
            new RoomLinked(Lobby, Owner: true, Mark: 0),
            new RoomLinkAbandoned(Garden));
        Assert.Empty(confirmed.Outstanding);
    }

    [Fact]
    public void Adding_a_friend_stores_the_intent_parks_the_asker_and_asks_the_friend_and_their_answer_replies()
    {
        var state = AliceCreated();

        var add = state.Decide(new AddFriend(Alice, Bob));
        Assert.Equal(new IChatEvent[] { new FriendLinkStarted(Bob) }, add.Events);
        Assert.Equal(UserWait.Friend(Bob), add.AwaitKey);
        Assert.Equal(new object[] { new LinkFriend(Bob, Alice) }, add.Sends);

        var pending = Apply(state, add.Events.ToArray());
        var again = pending.Decide(new AddFriend(Alice, Bob));
        Assert.Empty(again.Events);
        Assert.Equal(UserWait.Friend(Bob), again.AwaitKey);
        Assert.Empty(again.Sends);

        var linked = pending.Decide(new FriendLinked(Bob, Alice));
        Assert.Equal(new IChatEvent[] { new UserEvents.FriendAdded(Bob) }, linked.Events);
        Assert.Equal(new KeyValuePair<object, object>(UserWait.Friend(Bob), new UserReplies.FriendAdded(Alice, Bob)), Assert.Single(linked.Answers));
    }

    [Fact]
    public void A_friend_who_does_not_exist_declines_the_link_and_the_asker_is_refused_in_their_words()
    {
        var nobody = UserState.Empty with { Id = Bob };
        var declined = Assert.IsType<FriendLinkDeclined>(nobody.Decide(new LinkFriend(Bob, Alice)).ReplyMessage);
        Assert.Equal($"user {Bob} does not exist", declined.Reason);

        var pending = Apply(AliceCreated(), new FriendLinkStarted(Bob));
        var abandon = pending.Decide(declined);
        Assert.Equal(new IChatEvent[] { new FriendLinkAbandoned(Bob) }, abandon.Events);
        var (key, reply) = Assert.Single(abandon.Answers);
        Assert.Equal(UserWait.Friend(Bob), key);
        Assert.Equal(new Refused(RefusalCodes.Refused, $"user {Bob} does not exist"), reply);
    }

    [Fact]
    public void An_unknown_user_is_refused_as_not_found_with_the_text_users_see()
    {
        var nobody = UserState.Empty with { Id = Bob };
        var notFound = new Refused(RefusalCodes.NotFound, $"user {Bob} does not exist");

        Assert.Equal(notFound, nobody.Decide(new GetProfile(Bob)).ReplyMessage);
        Assert.Equal(notFound, nobody.Decide(new ListFriends(Bob)).ReplyMessage);
        Assert.Equal(notFound, nobody.Decide(new ListRooms(Bob)).ReplyMessage);
        Assert.Equal(notFound, nobody.Decide(new Connect(Bob, ActorRefs.Nobody), 0, 1).ReplyMessage);
        Assert.True(nobody.Decide(new SessionCommands.RevokeSessions(Bob)).IsRefusal);
    }

    [Fact]
    public void A_send_is_refused_to_its_socket_with_the_code_the_state_decides()
    {
        var state = Apply(AliceCreated(), new UserEvents.FriendAdded(Bob), new UserEvents.FriendAdded(Carol), new UserBlocked(Carol));

        Assert.Equal("not-friend", CodeOf(state.Decide(Send(new UserId(10_009)), busy: false)));
        Assert.Equal("blocked", CodeOf(state.Decide(Send(Carol), busy: false)));
        Assert.Equal("refused", CodeOf(state.Decide(Send(Alice), busy: false)));
        Assert.Equal("refused", CodeOf(state.Decide(Send(Bob) with { Payload = Samples.TextOfLength(ChatPayload.MaxTextLength + 1) }, busy: false)));
        Assert.Equal("refused", CodeOf(state.Decide(Send(Bob), busy: true)));
        Assert.Equal("refused", CodeOf((UserState.Empty with { Id = Alice }).Decide(Send(Bob), busy: false)));

        var refused = Assert.IsType<ChatRefused>(state.Decide(Send(Bob) with { ReplyTag = 7, Cid = "c7" }, busy: true).ReplyMessage);
        Assert.Equal((7L, "c7"), (refused.ReplyTag, refused.Cid));
    }

    [Fact]
    public void An_accepted_send_shares_one_decision_and_a_resend_gets_the_stored_copy()
    {
        var state = Apply(AliceCreated(), new UserEvents.FriendAdded(Bob));
        Assert.Same(UserState.StoreAtRecipient, state.Decide(Send(Bob), busy: false));
        Assert.Same(UserState.StoreAtRecipient, state.Decide(Send(Bob) with { Cid = "c1" }, busy: false));

        var mine = state.NextInboxMessage(Alice, Bob, Samples.Text("hi"), Samples.At, 42, "c1");
        var sent = state.Apply(new DirectMessageStored(mine));
        var again = sent.Decide(Send(Bob) with { ReplyTag = 3, Cid = "c1" }, busy: false);
        Assert.Empty(again.Events);
        Assert.Equal(new DirectAccepted(3, mine), again.ReplyMessage);
    }

    [Fact]
    public void A_resend_of_a_stored_message_gets_its_stored_copy_whatever_changed_since()
    {
        var state = Apply(AliceCreated(), new UserEvents.FriendAdded(Bob));
        var mine = state.NextInboxMessage(Alice, Bob, Samples.Text("hi"), Samples.At, 42, "c1");
        var unfriended = state.Apply(new DirectMessageStored(mine)).Apply(new FriendRemoved(Bob));
        var blocked = unfriended.Apply(new UserBlocked(Bob));

        foreach (var later in new[] { unfriended, blocked })
        {
            Assert.Equal(new DirectAccepted(3, mine), later.Decide(Send(Bob) with { ReplyTag = 3, Cid = "c1" }, busy: true).ReplyMessage);
            Assert.NotNull(CodeOf(later.Decide(Send(Bob) with { Cid = "c2" }, busy: false))); // a new message is still refused
        }
    }

    [Fact]
    public void Deciding_an_accepted_send_allocates_nothing()
    {
        var state = Apply(AliceCreated(), new UserEvents.FriendAdded(Bob));
        var send = Send(Bob);
        state.Decide(send, busy: false); // warm up: the first call may allocate while the JIT compiles it

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) state.Decide(send, busy: false);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Storing_an_incoming_copy_replies_to_the_sender_entity_once_and_a_missing_recipient_refuses()
    {
        var bob = Apply(UserState.Empty.Apply(new UserCreated(Bob, "13800000001", Samples.Profile("bob"), Samples.At)), new UserEvents.FriendAdded(Alice));
        var store = new StoreIncomingDirect(Bob, Alice, Samples.Text("hi"), Samples.At, Correlation: 5, MessageId: 42, Cid: "c1");

        var first = bob.Decide(store);
        var stored = Assert.IsType<DirectMessageStored>(Assert.Single(first.Events)).Message;
        Assert.Equal(new IncomingDirectStored(Bob, Alice, 5, 1, 42, Samples.At), first.ReplyMessage);
        Assert.Equal((1L, Alice, Bob), (stored.Seq, stored.SenderId, stored.RecipientId));

        var resent = bob.Apply(first.Events[0]).Decide(store with { Correlation = 6 });
        Assert.Empty(resent.Events);
        Assert.Equal(new IncomingDirectStored(Bob, Alice, 6, 1, 42, Samples.At), resent.ReplyMessage);

        var missing = (UserState.Empty with { Id = Bob }).Decide(store);
        var refused = Assert.IsType<IncomingDirectRefused>(missing.ReplyMessage);
        Assert.Equal((RefusalCodes.NotFound, $"user {Bob} does not exist"), (refused.Code, refused.Reason));
    }

    [Fact]
    public void The_senders_copy_takes_the_recipients_id_and_time_and_acknowledges_the_socket()
    {
        var state = Apply(AliceCreated(), new UserEvents.FriendAdded(Bob));
        var send = Send(Bob) with { ReplyTag = 9, Cid = "c9" };
        var decision = state.Decide(new IncomingDirectStored(Bob, Alice, 1, 17, 4242, Samples.At.AddSeconds(1)), send);

        var copy = Assert.IsType<DirectMessageStored>(Assert.Single(decision.Events)).Message;
        Assert.Equal((1L, 4242L, Samples.At.AddSeconds(1), "c9"), (copy.Seq, copy.MessageId, copy.At, copy.Cid));
        Assert.Equal(new DirectAccepted(9, copy), decision.ReplyMessage);
        Assert.Equal(new ChatRefused(9, "blocked", "no", "c9"), UserState.Decide(new IncomingDirectRefused(Bob, Alice, 1, "blocked", "no"), send).ReplyMessage);
    }

    [Fact]
    public void A_closing_socket_stores_advanced_marks_and_only_the_last_one_the_delivery_cursor()
    {
        var state = Apply(AliceCreated(), new RoomLinkStarted(Lobby, null), new RoomLinked(Lobby, Owner: false, Mark: 3));
        var marks = new Dictionary<RoomId, long> { [Lobby] = 5, [Garden] = 9 };
        var ack = ActorRefs.Nobody;

        var notLast = state.Decide(new Disconnect(Alice, ActorRefs.Nobody, marks, ack), deliveredThrough: 4, lastSocket: false);
        Assert.Equal(new[] { typeof(RoomMarksAdvanced) }, notLast.Events.Select(e => e.GetType()));
        Assert.Equal(new DisconnectRecorded(Alice), notLast.ReplyMessage);

        var last = state.Decide(new Disconnect(Alice, ActorRefs.Nobody, new Dictionary<RoomId, long>()), deliveredThrough: 4, lastSocket: true);
        Assert.Equal(new IChatEvent[] { new InboxDelivered(4) }, last.Events);
        Assert.Null(last.ReplyMessage);

        Assert.Same(Decision.Ignore, state.Decide(new Disconnect(Alice, ActorRefs.Nobody, new Dictionary<RoomId, long>()), deliveredThrough: 0, lastSocket: true));
        Assert.Same(Decision.Ignore, state.DecideDeliveredThrough(0));
    }

    [Fact]
    public void Joining_a_room_parks_the_asker_until_the_room_confirms_and_a_missing_room_refuses_them()
    {
        var state = AliceCreated();
        var join = state.Decide(new JoinRoom(Alice, Lobby));
        Assert.Equal(UserWait.Room(Lobby), join.AwaitKey);
        Assert.Equal(new object[] { new RoomCommands.AddMember(Lobby, Alice) }, join.Sends);

        var pending = Apply(state, join.Events.ToArray());
        var missing = pending.Decide(new RoomReplies.RoomNotFound(Lobby));
        Assert.Equal(new IChatEvent[] { new RoomLinkAbandoned(Lobby) }, missing.Events);
        Assert.Equal(new Refused(RefusalCodes.NotFound, $"room {Lobby} does not exist"), Assert.Single(missing.Answers).Value);

        Assert.Equal("room id must be a positive number", state.Decide(new JoinRoom(Alice, new RoomId(0))).Refusal());
        Assert.Equal(new Refused(RefusalCodes.Busy, "could not allocate a room id, try again"), UserState.Decide(new RoomIdNotLeased(ActorRefs.Nobody)).ReplyMessage);
    }

    private static SendDirect Send(UserId to) => new(Alice, to, Samples.Text("hi"), 1, ActorRefs.Nobody);

    private static string? CodeOf(Decision decision) => Assert.IsType<ChatRefused>(decision.ReplyMessage).Code;

    private static UserState AliceCreated() => UserState.Empty.Apply(new UserCreated(Alice, "13800000000", Samples.Profile("alice"), Samples.At));

    private static UserState Apply(UserState state, params IChatEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));
}
