namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using Akka.TestKit;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.ConversationCommands;
using static AkkaChat.Core.Users.ConversationReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// Presence and 1:1 typing: a user's first socket is announced to every node's fan-out (the only broadcast); the friends
/// reached answer, and from then on going offline and typing go only to the entities of friends known to be online.
/// </summary>
public sealed class PresenceRoutingSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void Typing_and_going_offline_reach_only_friends_who_answered_the_first_sockets_announcement()
    {
        var between = CreateTestProbe("between-entities");
        var chat = StartChat(usersSeenByEntities: between.Ref);
        between.IgnoreMessages(m => m is not (DeliverTyping or DeliverPresence or NoteFriendPresence));
        between.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            chat.Users.Tell(message, sender);
            return AutoPilot.KeepRunning;
        }));
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var carol = Register(chat, "13800000003", "carol"); // never online: her entity must hear nothing
        MakeFriends(chat, alice, bob);
        MakeFriends(chat, alice, carol);
        var bobSocket = Open(chat, bob);
        Assert.Equal(bob, RoomFanout.ExpectMsg<PresencePublished>(Timeout).UserId);

        var aliceSocket = Open(chat, alice);
        var announced = RoomFanout.ExpectMsg<PresencePublished>(Timeout);
        Assert.Equal((alice, true), (announced.UserId, announced.Online));
        Assert.Equal(new[] { bob, carol }.OrderBy(u => u.Value), announced.Friends.OrderBy(u => u.Value));
        // The node's fan-out forwards it to the friends with a local socket: Bob only.
        chat.Users.Tell(new DeliverPresence(bob, alice, true));
        Assert.Equal(new PresenceArrived(alice, true), bobSocket.ExpectMsg<PresenceArrived>(Timeout));
        Assert.Equal(new NoteFriendPresence(alice, bob, true), between.ExpectMsg<NoteFriendPresence>(Timeout));

        chat.Users.Tell(new SendTyping(alice, bob));
        chat.Users.Tell(new SendTyping(alice, carol));
        Assert.Equal(new DeliverTyping(bob, alice), between.ExpectMsg<DeliverTyping>(Timeout));
        Assert.Equal(ConversationId.With(alice), bobSocket.ExpectMsg<TypingArrived>(Timeout).Conversation);

        chat.Users.Tell(new Disconnect(alice, aliceSocket.Ref, new Dictionary<RoomId, long>()));
        Assert.Equal(new DeliverPresence(bob, alice, false), between.ExpectMsg<DeliverPresence>(Timeout));
        Assert.Equal(new PresenceArrived(alice, false), bobSocket.ExpectMsg<PresenceArrived>(Timeout));
        between.ExpectNoMsg(Quiet); // nothing for Carol
        RoomFanout.ExpectNoMsg(Quiet); // going offline is no broadcast
    }

    [Fact]
    public void A_friend_wrongly_believed_online_answers_typing_with_offline_and_is_not_told_again()
    {
        var between = CreateTestProbe("between-entities");
        var chat = StartChat(usersSeenByEntities: between.Ref);
        between.IgnoreMessages(m => m is not (DeliverTyping or NoteFriendPresence));
        between.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            chat.Users.Tell(message, sender);
            return AutoPilot.KeepRunning;
        }));
        var (alice, bob) = AliceAndBobAsFriends(chat);
        Open(chat, alice);
        chat.Users.Tell(new NoteFriendPresence(alice, bob, true)); // as if Bob had answered, but he has no socket

        chat.Users.Tell(new SendTyping(alice, bob));
        between.ExpectMsg<DeliverTyping>(Timeout);
        Assert.Equal(new NoteFriendPresence(alice, bob, false), between.ExpectMsg<NoteFriendPresence>(Timeout));
        chat.Users.Tell(new SendTyping(alice, bob));
        between.ExpectNoMsg(Quiet);
    }

    private TestProbe Open(LocalChat chat, UserId user)
    {
        var socket = CreateTestProbe();
        socket.IgnoreMessages(m => m is not (PresenceArrived or TypingArrived or Connected));
        chat.Users.Tell(new Connect(user, socket.Ref), socket.Ref);
        socket.FishForMessage(m => m is Connected, Timeout);
        return socket;
    }
}
