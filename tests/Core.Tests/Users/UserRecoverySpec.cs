namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using Akka.TestKit;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>Kill a user entity, let the next message bring it back from its journal, and check what it remembers.</summary>
public sealed class UserRecoverySpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    /// <summary>The entity retries pending links every 3 s; three intervals is a generous bound.</summary>
    private static readonly TimeSpan LinkRetryBound = TimeSpan.FromSeconds(9);

    [Fact]
    public void A_restarted_user_recovers_friends_rooms_inbox_seq_and_room_marks()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var carol = Register(chat, "13800000003", "carol");
        MakeFriends(chat, alice, bob);
        MakeFriends(chat, alice, carol);
        var lobby = CreateRoom(chat, alice, "lobby");
        var garden = CreateRoom(chat, bob, "garden");
        JoinRoom(chat, alice, garden.Id);
        var origin = CreateTestProbe();
        for (var i = 1; i <= 2; i++)
        {
            chat.Rooms.Tell(new SendRoomMessage(lobby.Id, alice, Samples.Text("room " + i), i, origin.Ref));
            origin.ExpectMsg<RoomAccepted>(Timeout);
            chat.Users.Tell(new SendDirect(bob, alice, Samples.Text("direct " + i), i, origin.Ref));
            origin.ExpectMsg<DirectAccepted>(Timeout);
        }
        var (socket, connected) = Connect(chat, alice);
        Assert.Equal((0L, 2L), (connected.BacklogAfter, connected.InboxHead));
        // The socket reports what it wrote: both room messages and both inbox messages.
        chat.Users.Tell(new Disconnect(alice, socket.Ref, new Dictionary<RoomId, long> { [lobby.Id] = 2 }, DeliveredThrough: connected.InboxHead));
        FriendsOf(chat, alice); // answered only once the disconnect is persisted

        StopEntity(chat.Users, alice.ToString());

        Assert.Equal(new[] { bob, carol }, FriendsOf(chat, alice));
        Assert.Equal(new[] { lobby.Id, garden.Id }.OrderBy(r => r.Value), RoomsOf(chat, alice));
        var (newSocket, reconnected) = Connect(chat, alice);
        Assert.Equal((2L, 2L), (reconnected.BacklogAfter, reconnected.InboxHead));
        Assert.Equal(2, reconnected.RoomMarks[lobby.Id]);
        Assert.Equal(0, reconnected.RoomMarks[garden.Id]);
        chat.Users.Tell(new SendDirect(carol, alice, Samples.Text("after the restart"), 3, origin.Ref));
        Assert.Equal(3, newSocket.ExpectMsg<PushDirect>(Timeout).Message.Seq);
        origin.ExpectMsg<DirectAccepted>(Timeout);
    }

    [Fact]
    public void Messages_received_while_offline_are_delivered_on_connect_after_a_restart()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var origin = CreateTestProbe();
        var texts = new[] { "one", "two", "three" };
        foreach (var text in texts)
        {
            chat.Users.Tell(new SendDirect(alice, bob, Samples.Text(text), 0, origin.Ref));
            origin.ExpectMsg<DirectAccepted>(Timeout);
        }

        StopEntity(chat.Users, bob.ToString());

        var (socket, connected) = Connect(chat, bob);
        Assert.Equal((0L, 3L), (connected.BacklogAfter, connected.InboxHead));
        // The socket reads them from the journal after BacklogAfter.
        Assert.Equal(texts.Select(Samples.Text), JournalEvents("user-" + bob).OfType<DirectMessageStored>().Select(e => e.Message.Payload));

        // Delivered once: after a clean disconnect reporting what was written, and another restart, nothing is left to deliver.
        chat.Users.Tell(new Disconnect(bob, socket.Ref, new Dictionary<RoomId, long>(), DeliveredThrough: 3));
        FriendsOf(chat, bob);
        StopEntity(chat.Users, bob.ToString());
        Assert.Equal(3, Connect(chat, bob).Connected.BacklogAfter);
    }

    /// <summary>
    /// A socket that dies without saying what it wrote counts as a disconnect, and what it was sent is not assumed
    /// delivered: the next socket gets it again (at least once, never lost).
    /// </summary>
    [Fact]
    public void A_socket_that_dies_counts_as_a_disconnect_and_its_unconfirmed_backlog_comes_again()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var origin = CreateTestProbe();
        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 0, origin.Ref));
        origin.ExpectMsg<DirectAccepted>(Timeout);
        var (socket, connected) = Connect(chat, bob);
        Assert.Equal((0L, 1L), (connected.BacklogAfter, connected.InboxHead));

        Watch(socket.Ref);
        Sys.Stop(socket.Ref);
        ExpectTerminated(socket.Ref, Timeout);

        StopEntity(chat.Users, bob.ToString());
        var (again, reconnected) = Connect(chat, bob);
        Assert.Equal((0L, 1L), (reconnected.BacklogAfter, reconnected.InboxHead));
        Assert.DoesNotContain(JournalEvents("user-" + bob), e => e is InboxDelivered);

        // A socket that reports what it wrote moves the mark.
        chat.Users.Tell(new Disconnect(bob, again.Ref, new Dictionary<RoomId, long>(), DeliveredThrough: 1));
        AwaitAssert(() => Assert.Contains(new InboxDelivered(1), JournalEvents("user-" + bob)), Timeout);
        StopEntity(chat.Users, bob.ToString());
        Assert.Equal(1, Connect(chat, bob).Connected.BacklogAfter);
    }

    [Fact]
    public void A_pending_friend_link_is_resumed_after_a_restart()
    {
        var (chat, gate) = StartChatWithUsersGate<LinkFriend>();
        var (ann, ben) = (CreateUser(chat, 20_001, "ann"), CreateUser(chat, 20_002, "ben"));

        chat.Users.Tell(new AddFriend(ann, ben));
        var lost = gate.ExpectMsg<LinkFriend>(Timeout); // dropped: ben never hears of it
        Assert.Equal(new LinkFriend(ben, ann), lost);
        Assert.Equal(new FriendLinkStarted(ben), JournalEvents("user-" + ann)[^1]);
        Assert.Empty(FriendsOf(chat, ben));

        StopEntity(chat.Users, ann.ToString());
        Assert.Empty(FriendsOf(chat, ann)); // recovers ann, still pending

        Assert.Equal(new LinkFriend(ben, ann), gate.ExpectMsg<LinkFriend>(Timeout));
        gate.Forward(chat.Users);
        AwaitAssert(
            () =>
            {
                Assert.Equal(new[] { ben }, FriendsOf(chat, ann));
                Assert.Equal(new[] { ann }, FriendsOf(chat, ben));
            },
            Timeout);
    }

    [Fact]
    public void A_lost_friend_link_is_retried_while_the_user_stays_alive()
    {
        var (chat, gate) = StartChatWithUsersGate<LinkFriend>();
        var (ann, ben) = (CreateUser(chat, 20_001, "ann"), CreateUser(chat, 20_002, "ben"));
        var requester = CreateTestProbe();

        chat.Users.Tell(new AddFriend(ann, ben), requester.Ref);
        gate.ExpectMsg<LinkFriend>(Timeout); // dropped, as a message to another node can be

        // A waiting requester keeps the entity from passivating, so only a timer can resume the saga.
        gate.ExpectMsg<LinkFriend>(LinkRetryBound, "the pending LinkFriend was never sent again");
        gate.Forward(chat.Users);
        Assert.Equal(new UserReplies.FriendAdded(ann, ben), requester.ExpectMsg<UserReplies.FriendAdded>(Timeout));
    }

    [Fact]
    public void A_pending_room_join_is_resumed_after_a_restart()
    {
        var (chat, gate) = StartChatWithJoinGate();
        var (ann, ben) = (CreateUser(chat, 20_001, "ann"), CreateUser(chat, 20_002, "ben"));
        var room = CreateRoomThroughGate(chat, gate, ann);

        chat.Users.Tell(new JoinRoom(ben, room.Id));
        Assert.Equal(new AddMember(room.Id, ben), gate.ExpectMsg<AddMember>(Timeout)); // dropped
        Assert.Equal(new RoomLinkStarted(room.Id, null), JournalEvents("user-" + ben)[^1]);

        StopEntity(chat.Users, ben.ToString());
        Assert.Empty(RoomsOf(chat, ben)); // recovers ben, still pending

        Assert.Equal(new AddMember(room.Id, ben), gate.ExpectMsg<AddMember>(Timeout));
        gate.Forward(chat.Rooms);
        AwaitAssert(() => Assert.Equal(new[] { room.Id }, RoomsOf(chat, ben)), Timeout);
        Assert.Equal(2, Query<RoomReplies.RoomInfo>(chat.Rooms, new GetRoom(room.Id)).MemberCount);
    }

    [Fact]
    public void A_lost_room_join_is_retried_while_the_user_stays_alive()
    {
        var (chat, gate) = StartChatWithJoinGate();
        var (ann, ben) = (CreateUser(chat, 20_001, "ann"), CreateUser(chat, 20_002, "ben"));
        var room = CreateRoomThroughGate(chat, gate, ann);
        var requester = CreateTestProbe();

        chat.Users.Tell(new JoinRoom(ben, room.Id), requester.Ref);
        gate.ExpectMsg<AddMember>(Timeout); // dropped, as a message to another node can be

        gate.ExpectMsg<AddMember>(LinkRetryBound, "the pending AddMember was never sent again");
        gate.Forward(chat.Rooms);
        Assert.Equal(room, requester.ExpectMsg<RoomJoined>(Timeout).Room);
    }

    private RoomProfile CreateRoomThroughGate(LocalChat chat, TestProbe gate, UserId owner)
    {
        var requester = CreateTestProbe();
        chat.Users.Tell(new CreateRoom(owner, Samples.Room("lobby"), DefaultSettings.MaxOwnedRooms), requester.Ref);
        return requester.ExpectMsg<RoomCreated>(Timeout).Room;
    }

    /// <summary>Users reach rooms through a gate that holds every <see cref="AddMember"/>.</summary>
    private (LocalChat Chat, TestProbe Gate) StartChatWithJoinGate()
    {
        var gate = CreateTestProbe("rooms-gate");
        var chat = StartChat(roomsSeenByEntities: gate.Ref);
        HoldOnly<AddMember>(gate, chat.Rooms);
        return (chat, gate);
    }

    private UserId CreateUser(LocalChat chat, long id, string nickname)
    {
        var user = new UserId(id);
        Assert.Equal(new UserCreatedAck(user), Query<UserCreatedAck>(chat.Users, new CreateUser(user, "139" + id, Samples.Profile(nickname), Samples.At)));
        return user;
    }
}
