namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;

public sealed class DirectMessageSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void A_message_to_a_friend_is_pushed_to_them_and_acknowledged_with_the_senders_seq()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var carol = Register(chat, "13800000003", "carol");
        MakeFriends(chat, alice, bob);
        MakeFriends(chat, carol, alice);
        var (bobSocket, _) = Connect(chat, bob);
        var (aliceSocket, _) = Connect(chat, alice);
        // Give Alice's inbox a head start, so her seq and Bob's differ.
        chat.Users.Tell(new SendDirect(carol, alice, Samples.Text("from carol"), 1, CreateTestProbe().Ref));
        Assert.Equal(1, aliceSocket.ExpectMsg<PushDirect>(Timeout).Message.Seq);

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hello bob"), 42, aliceSocket.Ref));

        var pushed = bobSocket.ExpectMsg<PushDirect>(Timeout).Message;
        Assert.Equal((1L, alice, bob, Samples.Text("hello bob")), (pushed.Seq, pushed.SenderId, pushed.RecipientId, pushed.Payload));
        var accepted = aliceSocket.ExpectMsg<DirectAccepted>(Timeout);
        Assert.Equal(42, accepted.ReplyTag);
        Assert.Equal((2L, alice, bob, Samples.Text("hello bob")), (accepted.Message.Seq, accepted.Message.SenderId, accepted.Message.RecipientId, accepted.Message.Payload));
        aliceSocket.ExpectNoMsg(Quiet);
        bobSocket.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void The_senders_other_sockets_get_a_copy_but_the_origin_does_not()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var (origin, _) = Connect(chat, alice);
        var (otherDevice, _) = Connect(chat, alice);
        var (bobSocket, _) = Connect(chat, bob);

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 7, origin.Ref));

        var accepted = origin.ExpectMsg<DirectAccepted>(Timeout);
        Assert.Equal(accepted.Message, otherDevice.ExpectMsg<PushDirect>(Timeout).Message);
        Assert.Equal(Samples.Text("hi"), bobSocket.ExpectMsg<PushDirect>(Timeout).Message.Payload);
        origin.ExpectNoMsg(Quiet);
        otherDevice.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Every_socket_of_the_recipient_gets_the_message()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var (phone, _) = Connect(chat, bob);
        var (laptop, _) = Connect(chat, bob);
        var origin = CreateTestProbe();

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 1, origin.Ref));

        origin.ExpectMsg<DirectAccepted>(Timeout);
        Assert.Equal(phone.ExpectMsg<PushDirect>(Timeout).Message, laptop.ExpectMsg<PushDirect>(Timeout).Message);
    }

    [Fact]
    public void Consecutive_messages_get_dense_seqs_in_both_inboxes()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var (bobSocket, _) = Connect(chat, bob);
        var origin = CreateTestProbe();

        for (var i = 1; i <= 3; i++)
        {
            chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("m" + i), i, origin.Ref));
            Assert.Equal(i, origin.ExpectMsg<DirectAccepted>(Timeout).Message.Seq);
            Assert.Equal(i, bobSocket.ExpectMsg<PushDirect>(Timeout).Message.Seq);
        }
    }

    [Fact]
    public void A_message_to_someone_who_is_not_a_friend_is_refused()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var (bobSocket, _) = Connect(chat, bob);
        var origin = CreateTestProbe();

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 5, origin.Ref));

        var refused = origin.ExpectMsg<ChatRefused>(Timeout);
        Assert.Equal((5L, "not-friend"), (refused.ReplyTag, refused.Code));
        bobSocket.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_message_over_the_size_limit_is_refused_even_to_a_friend()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var (bobSocket, _) = Connect(chat, bob);
        var origin = CreateTestProbe();

        chat.Users.Tell(new SendDirect(alice, bob, Samples.TextOfLength(ChatPayload.MaxTextLength + 1), 6, origin.Ref));

        var refused = origin.ExpectMsg<ChatRefused>(Timeout);
        Assert.Equal((6L, "refused"), (refused.ReplyTag, refused.Code));
        bobSocket.ExpectNoMsg(Quiet);
    }
}
