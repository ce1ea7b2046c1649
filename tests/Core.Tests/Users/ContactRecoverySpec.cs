namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using Akka.TestKit;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactReplies;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>
/// Contact sagas whose message to the other entity is lost: the persisted intent is sent again when the
/// initiating entity recovers, so both halves end up recorded. Also the blocked 1:1 path at actor level.
/// </summary>
public sealed class ContactRecoverySpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void A_request_lost_on_its_way_is_delivered_when_the_requester_recovers()
    {
        var (chat, gate) = StartChatWithUsersGate<DeliverFriendRequest>();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");

        chat.Users.Tell(new SendFriendRequest(alice, bob, "hello"), CreateTestProbe().Ref);
        gate.ExpectMsg<DeliverFriendRequest>(Timeout); // lost
        StopEntity(chat.Users, alice.ToString());

        Query<FriendRequestList>(chat.Users, new ListFriendRequests(alice)); // recovers alice, who sends it again
        gate.ExpectMsg<DeliverFriendRequest>(Timeout);
        gate.Forward(chat.Users);

        AwaitAssert(() => Assert.Equal(alice, Assert.Single(Query<FriendRequestList>(chat.Users, new ListFriendRequests(bob)).Incoming).From), Timeout);
        Assert.Equal(bob, Assert.Single(Query<FriendRequestList>(chat.Users, new ListFriendRequests(alice)).Outgoing).To);
    }

    [Fact]
    public void A_removal_lost_on_its_way_is_completed_when_the_remover_recovers()
    {
        var (chat, gate) = StartChatWithUsersGate<UnlinkFriend>();
        var (alice, bob) = AliceAndBobAsFriends(chat);

        chat.Users.Tell(new RemoveFriend(alice, bob), CreateTestProbe().Ref);
        gate.ExpectMsg<UnlinkFriend>(Timeout); // lost
        Assert.Empty(FriendsOf(chat, alice));
        Assert.Equal(new[] { alice }, FriendsOf(chat, bob));
        StopEntity(chat.Users, alice.ToString());

        FriendsOf(chat, alice);
        gate.ExpectMsg<UnlinkFriend>(Timeout);
        gate.Forward(chat.Users);

        AwaitAssert(() => Assert.Empty(FriendsOf(chat, bob)), Timeout);
        var requester = CreateTestProbe();
        chat.Users.Tell(new RemoveFriend(alice, bob), requester.Ref);
        requester.ExpectMsg<Refused>(Timeout);
    }

    [Fact]
    public void A_removal_from_a_room_lost_on_its_way_is_completed_when_the_room_recovers()
    {
        var (chat, gate) = StartChatWithUsersGate<UnlinkRoom>();
        var owner = Register(chat, "13800000001", "owner");
        var bob = Register(chat, "13800000002", "bob");
        var room = CreateRoom(chat, owner, "lobby").Id;
        JoinRoom(chat, bob, room);
        var (socket, _) = Connect(chat, bob);
        socket.IgnoreMessages(message => message is not RoomMembershipRemoved);

        chat.Rooms.Tell(new MembershipCommands.RemoveMember(room, owner, bob), CreateTestProbe().Ref);
        gate.ExpectMsg<UnlinkRoom>(Timeout); // lost
        Assert.Equal(new[] { room }, RoomsOf(chat, bob));
        StopEntity(chat.Rooms, room.ToString());

        Assert.Equal(new[] { owner }, Query<MembershipReplies.MemberList>(chat.Rooms, new MembershipCommands.ListMembers(room, owner)).Members);
        gate.ExpectMsg<UnlinkRoom>(Timeout);
        gate.Forward(chat.Users);

        Assert.Equal(new RoomMembershipRemoved(room), socket.ExpectMsg<RoomMembershipRemoved>(Timeout));
        Assert.Empty(RoomsOf(chat, bob));
    }

    [Fact]
    public void A_message_from_a_blocked_friend_is_stored_nowhere_and_refused_on_the_sending_socket()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        Query<BlockChanged>(chat.Users, new BlockUser(bob, alice));
        var (aliceSocket, _) = Connect(chat, alice);
        var (bobSocket, _) = Connect(chat, bob);

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 7, aliceSocket.Ref));

        var refused = aliceSocket.ExpectMsg<ChatRefused>(Timeout);
        Assert.Equal((7L, "blocked"), (refused.ReplyTag, refused.Code));
        bobSocket.ExpectNoMsg(Quiet);
        Assert.Equal(0, Query<UserReplies.Connected>(chat.Users, new Connect(alice, CreateTestProbe().Ref)).InboxHead);
        Assert.Equal(0, Query<UserReplies.Connected>(chat.Users, new Connect(bob, CreateTestProbe().Ref)).InboxHead);
    }
}
