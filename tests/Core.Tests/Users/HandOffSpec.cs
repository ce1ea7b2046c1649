namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// A shard stops its entities with <see cref="StopInOrder"/> when it hands them to another node: nothing sent to an
/// entity before that is lost, a sender's 1:1 sends still waiting for their recipient are answered first, and whoever
/// waits for a saga step is told at once to ask again.
/// </summary>
public sealed class HandOffSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void Commands_queued_behind_a_write_are_handled_before_the_entity_stops()
    {
        var (chat, gate) = StartChatWithUsersGate<StoreIncomingDirect>();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var origin = CreateTestProbe();
        var (first, second, aliceEntity) = SendTwoHeldAtTheGate(chat, gate, alice, bob, origin.Ref);

        // Both copies and the stop reach Bob's entity back to back: the second copy waits behind the first one's
        // write, and the stop behind both (a PoisonPill would have stopped the entity with the second copy unread).
        var stopped = CreateTestProbe();
        chat.Users.Tell(first, aliceEntity);
        chat.Users.Tell(second, aliceEntity);
        chat.Users.Tell(new StopEntity(bob.ToString(), InOrder: true), stopped.Ref);

        stopped.ExpectMsg<EntityStopped>(Timeout);
        Assert.Equal([1L, 2L], [origin.ExpectMsg<DirectAccepted>(Timeout).ReplyTag, origin.ExpectMsg<DirectAccepted>(Timeout).ReplyTag]);
        Assert.Equal(2, Query<Connected>(chat.Users, new Connect(bob, CreateTestProbe().Ref)).InboxHead);
    }

    [Fact]
    public void A_user_handed_off_stores_the_delivery_cursor_its_sockets_moved()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var origin = CreateTestProbe();
        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hi"), 1, origin.Ref, "c-1"));
        origin.ExpectMsg<DirectAccepted>(Timeout);
        var (phone, _) = Connect(chat, bob);
        Connect(chat, bob);

        // The phone leaves having written message 1; the laptop stays, so the cursor moves in memory only.
        chat.Users.Tell(new Disconnect(bob, phone.Ref, new Dictionary<RoomId, long>(), DeliveredThrough: 1));
        Assert.DoesNotContain(JournalEvents("user-" + bob), e => e is InboxDelivered);
        var stopped = CreateTestProbe();
        chat.Users.Tell(new StopEntity(bob.ToString(), InOrder: true), stopped.Ref);

        stopped.ExpectMsg<EntityStopped>(Timeout);
        Assert.Contains(new InboxDelivered(1), JournalEvents("user-" + bob));
    }

    [Fact]
    public void A_user_handed_off_while_a_friendship_waits_for_the_friend_tells_the_asker_and_finishes_it_after()
    {
        var (chat, gate) = StartChatWithUsersGate<LinkFriend>();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var asker = CreateTestProbe();
        chat.Users.Tell(new AddFriend(alice, bob), asker.Ref);
        var link = gate.ExpectMsg<LinkFriend>(Timeout);

        // Bob's half is held: Alice is asked to stop while her asker waits. The asker hears at once, with a reason to
        // ask again, instead of waiting out its timeout; Alice stops without Bob's answer.
        var stopped = CreateTestProbe();
        chat.Users.Tell(new StopEntity(alice.ToString(), InOrder: true), stopped.Ref);
        Assert.Equal(RefusalCodes.Busy, asker.ExpectMsg<Refused>(Timeout).Code);
        stopped.ExpectMsg<EntityStopped>(Timeout);

        // The step was stored: Alice's next start sends Bob's half again (the gate lets it through now), and asking again
        // sees the friendship done.
        Assert.Equal(alice, link.RequesterId);
        HoldOnly<NothingHeld>(gate, chat.Users);
        var again = CreateTestProbe();
        chat.Users.Tell(new AddFriend(alice, bob), again.Ref);
        Assert.Equal(new AkkaChat.Core.Users.UserReplies.FriendAdded(alice, bob), again.ExpectMsg<AkkaChat.Core.Users.UserReplies.FriendAdded>(Timeout));
        Assert.Equal([bob], FriendsOf(chat, alice));
        Assert.Equal([alice], FriendsOf(chat, bob));
    }

    [Fact]
    public void A_sender_handed_off_with_a_send_in_flight_stops_only_once_the_recipient_answered()
    {
        var (chat, gate) = StartChatWithUsersGate<StoreIncomingDirect>();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var origin = CreateTestProbe();
        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("in flight"), 9, origin.Ref, "c-9"));
        var store = gate.ExpectMsg<StoreIncomingDirect>(Timeout);
        var aliceEntity = gate.LastSender;

        var stopped = CreateTestProbe();
        chat.Users.Tell(new StopEntity(alice.ToString(), InOrder: true), stopped.Ref);
        stopped.ExpectNoMsg(Quiet);

        chat.Users.Tell(store, aliceEntity);

        var accepted = origin.ExpectMsg<DirectAccepted>(Timeout);
        Assert.Equal((9L, 1L), (accepted.ReplyTag, accepted.Message.Seq));
        stopped.ExpectMsg<EntityStopped>(Timeout);
        Assert.Equal(1, Query<Connected>(chat.Users, new Connect(alice, CreateTestProbe().Ref)).InboxHead);
    }

    /// <summary>Held by no gate: <c>HoldOnly&lt;NothingHeld&gt;</c> lets every message through.</summary>
    private sealed record NothingHeld;
}
