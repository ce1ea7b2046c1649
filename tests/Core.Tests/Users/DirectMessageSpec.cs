namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using Akka.TestKit;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;

public sealed class DirectMessageSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    /// <summary>Longer than the user entity's resend interval (5 s), with room for a loaded test machine.</summary>
    private static readonly TimeSpan ResendWait = TimeSpan.FromSeconds(8);

    /// <summary>Well under the resend interval: what arrives within it was not sent by the resend timer.</summary>
    private static readonly TimeSpan BeforeResend = TimeSpan.FromSeconds(3);

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

    [Fact]
    public void A_copy_lost_on_the_way_to_the_recipient_is_sent_again_and_stored_once()
    {
        var (chat, gate) = StartChatWithUsersGate<StoreIncomingDirect>();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var (bobSocket, _) = Connect(chat, bob);
        var origin = CreateTestProbe();

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 3, origin.Ref, "c-1"));
        var lost = gate.ExpectMsg<StoreIncomingDirect>(Timeout);
        var again = gate.ExpectMsg<StoreIncomingDirect>(ResendWait);
        Assert.Equal(lost, again);
        chat.Users.Tell(again, gate.LastSender);

        var accepted = origin.ExpectMsg<DirectAccepted>(Timeout);
        Assert.Equal((3L, "c-1", 1L), (accepted.ReplyTag, accepted.Message.Cid, accepted.Message.Seq));
        Assert.Equal(accepted.Message.MessageId, bobSocket.ExpectMsg<PushDirect>(Timeout).Message.MessageId);
        bobSocket.ExpectNoMsg(Quiet);
        gate.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_copy_that_was_only_late_and_its_resend_store_one_message_and_answer_once()
    {
        var (chat, gate) = StartChatWithUsersGate<StoreIncomingDirect>();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var (bobSocket, _) = Connect(chat, bob);
        var origin = CreateTestProbe();

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 4, origin.Ref, "c-2"));
        var late = gate.ExpectMsg<StoreIncomingDirect>(Timeout);
        var sender = gate.LastSender;
        var again = gate.ExpectMsg<StoreIncomingDirect>(ResendWait);
        chat.Users.Tell(late, sender);
        chat.Users.Tell(again, sender);

        Assert.Equal(1, origin.ExpectMsg<DirectAccepted>(Timeout).Message.Seq);
        Assert.Equal(1, bobSocket.ExpectMsg<PushDirect>(Timeout).Message.Seq);
        origin.ExpectNoMsg(Quiet);
        bobSocket.ExpectNoMsg(Quiet);
        Assert.Equal(1, Query<UserReplies.Connected>(chat.Users, new Connect(bob, CreateTestProbe().Ref)).InboxHead);
    }

    [Fact]
    public void A_send_without_a_cid_is_not_sent_again_since_its_copy_could_not_be_told_from_a_new_message()
    {
        var (chat, gate) = StartChatWithUsersGate<StoreIncomingDirect>();
        var (alice, bob) = AliceAndBobAsFriends(chat);

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("no cid"), 5, CreateTestProbe().Ref));

        Assert.Equal("", gate.ExpectMsg<StoreIncomingDirect>(Timeout).Cid);
        gate.ExpectNoMsg(ResendWait);
    }

    [Fact]
    public void Once_the_recipients_entity_answered_a_send_later_ones_go_to_it_directly_and_arrive_in_order()
    {
        var (chat, gate) = StartChatWithUsersGate<StoreIncomingDirect>();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var (bobSocket, _) = Connect(chat, bob);
        var origin = CreateTestProbe();

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("one"), 1, origin.Ref, "c-1"));
        chat.Users.Tell(gate.ExpectMsg<StoreIncomingDirect>(Timeout), gate.LastSender);
        Assert.Equal(1, origin.ExpectMsg<DirectAccepted>(Timeout).ReplyTag);
        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("two"), 2, origin.Ref, "c-2"));
        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("three"), 3, origin.Ref, "c-3"));

        Assert.Equal([2L, 3L], [origin.ExpectMsg<DirectAccepted>(Timeout).ReplyTag, origin.ExpectMsg<DirectAccepted>(Timeout).ReplyTag]);
        Assert.Equal([1L, 2L, 3L], [.. Enumerable.Range(0, 3).Select(_ => bobSocket.ExpectMsg<PushDirect>(Timeout).Message.Seq)]);
        gate.ExpectNoMsg(Quiet); // past the region
    }

    [Fact]
    public void While_a_send_through_the_region_is_unanswered_the_next_ones_take_the_region_too_so_none_overtakes_it()
    {
        var (chat, gate) = StartChatWithUsersGate<StoreIncomingDirect>();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var origin = CreateTestProbe();

        var (first, _, aliceEntity) = SendTwoHeldAtTheGate(chat, gate, alice, bob, origin.Ref); // the second stays held
        chat.Users.Tell(first, aliceEntity);
        Assert.Equal(1, origin.ExpectMsg<DirectAccepted>(Timeout).ReplyTag);
        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("three"), 3, origin.Ref, "c-3"));

        Assert.Equal("c-3", gate.ExpectMsg<StoreIncomingDirect>(Timeout).Cid); // the second is still held: no route yet
        origin.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_send_told_to_the_recipients_entity_as_it_stops_is_sent_again_through_the_region_without_waiting_for_the_resend()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var origin = CreateTestProbe();
        var stopped = CreateTestProbe();

        // Each round: a send that teaches Alice's entity the route to Bob's, then a send and Bob's stop back to back.
        // The second copy reaches Bob's entity before the stop (stored), or after it (lost, and sent again through the
        // region when Alice's entity hears it stopped); either way it is accepted well before the 5 s resend.
        for (var round = 0; round < 5; round++)
        {
            chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("route"), 1, origin.Ref, $"r-{round}"));
            origin.ExpectMsg<DirectAccepted>(Timeout);
            chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("as it stops"), 2, origin.Ref, $"s-{round}"));
            chat.Users.Tell(new StopEntity(bob.ToString(), InOrder: true), stopped.Ref);

            Assert.Equal("s-" + round, origin.ExpectMsg<DirectAccepted>(BeforeResend).Message.Cid);
            stopped.ExpectMsg<EntityStopped>(Timeout);
        }
        Assert.Equal(10, Query<UserReplies.Connected>(chat.Users, new Connect(bob, CreateTestProbe().Ref)).InboxHead);
    }
}
