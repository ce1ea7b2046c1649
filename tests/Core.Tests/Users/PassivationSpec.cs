namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomReplies;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>Idle entities ask their shard to stop them; the next message brings them back from the journal.</summary>
public sealed class PassivationSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    /// <summary>
    /// Short, but longer than the setup between two messages to one entity: at 300 ms a loaded CI machine once let Alice
    /// passivate between her registration and her friend request, which her stopping entity then refused as busy.
    /// </summary>
    private static readonly ChatSettings ShortIdle = DefaultSettings with { EntityIdleTimeout = TimeSpan.FromSeconds(2) };

    /// <summary>Passivation takes about two seconds here; a loaded 2-core CI machine gets generous room.</summary>
    private static readonly TimeSpan PassivationBound = TimeSpan.FromSeconds(15);

    [Fact]
    public void Idle_entities_passivate_and_come_back_with_their_state()
    {
        var chat = StartChat(ShortIdle);
        var (alice, bob) = AliceAndBobAsFriends(chat);
        var room = CreateRoom(chat, alice, "lobby");
        var origin = CreateTestProbe();
        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("while you were out"), 1, origin.Ref));
        origin.ExpectMsg<DirectAccepted>(Timeout);

        AwaitAssert(
            () =>
            {
                Assert.Empty(Query<LiveEntities>(chat.Users, GetLiveEntities.Instance).EntityIds);
                Assert.Empty(Query<LiveEntities>(chat.Rooms, GetLiveEntities.Instance).EntityIds);
                Assert.Empty(Query<LiveEntities>(chat.Accounts, GetLiveEntities.Instance).EntityIds);
            },
            PassivationBound);

        Assert.Equal(new[] { bob }, FriendsOf(chat, alice));
        Assert.Equal(new[] { room.Id }, RoomsOf(chat, alice));
        Assert.Equal(1, Query<RoomInfo>(chat.Rooms, new GetRoom(room.Id)).MemberCount);
        var connected = Connect(chat, bob).Connected;
        Assert.Equal((0L, 1L), (connected.BacklogAfter, connected.InboxHead)); // "while you were out" is still to be delivered
    }

    [Fact]
    public void A_user_with_an_open_socket_stays_active()
    {
        var chat = StartChat(ShortIdle);
        var alice = Register(chat, "13800000001", "alice");
        Connect(chat, alice);
        var bob = Register(chat, "13800000002", "bob");

        // Bob went idle after Alice's socket opened; once he is gone, Alice has been idle at least as long.
        AwaitAssert(() => Assert.Equal(new[] { alice.ToString() }, Query<LiveEntities>(chat.Users, GetLiveEntities.Instance).EntityIds), PassivationBound);
    }
}
