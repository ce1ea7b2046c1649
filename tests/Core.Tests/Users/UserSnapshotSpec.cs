namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// With a snapshot every 5 events, a user entity saves one, and a restart recovers from it: the events it covers
/// are deleted from the journal first, so the state can only come back through the snapshot.
/// </summary>
public sealed class UserSnapshotSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    /// <summary>At multiples of five, so each test knows which events its snapshot covers.</summary>
    private static readonly ChatSettings EveryFive = DefaultSettings with { SnapshotEvery = 5, SpreadSnapshots = false };

    [Fact]
    public void A_user_recovers_from_its_snapshot()
    {
        var chat = StartChat(EveryFive);
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var carol = Register(chat, "13800000003", "carol");
        var dave = Register(chat, "13800000004", "dave");
        var persistenceId = "user-" + alice;

        // Events 1 (created), 2-3 (bob), 4-5 (carol): the snapshot; 6-7 (dave) come after it.
        MakeFriends(chat, alice, bob);
        MakeFriends(chat, alice, carol);
        MakeFriends(chat, alice, dave);

        AwaitAssert(
            () =>
            {
                var saved = LatestSnapshot(persistenceId);
                Assert.NotNull(saved);
                Assert.Equal(5, saved.Metadata.SequenceNr);
                var snapshot = Assert.IsType<UserSnapshot>(saved.Snapshot);
                Assert.Equal(new[] { bob, carol }, snapshot.Friends);
                Assert.Empty(snapshot.PendingFriends);
            },
            Timeout);
        DeleteEventsTo(persistenceId, 5);

        StopEntity(chat.Users, alice.ToString());

        Assert.Equal(new[] { bob, carol, dave }, FriendsOf(chat, alice));
        Assert.Equal("alice", Query<ProfileReply>(chat.Users, new GetProfile(alice)).Profile.Nickname);
    }

    [Fact]
    public void A_users_inbox_recovers_from_its_snapshot()
    {
        var chat = StartChat(EveryFive);
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        MakeFriends(chat, bob, alice); // bob: events 1-3; alice: 1-2
        var origin = CreateTestProbe();
        for (var i = 1; i <= 4; i++)
        {
            chat.Users.Tell(new SendDirect(bob, alice, Samples.Text("m" + i), i, origin.Ref));
            origin.ExpectMsg<DirectAccepted>(Timeout);
        }
        var persistenceId = "user-" + alice; // alice: 2 + 4 messages = 6 events, snapshot at 5
        AwaitAssert(() => Assert.Equal(5, LatestSnapshot(persistenceId)?.Metadata.SequenceNr), Timeout);
        DeleteEventsTo(persistenceId, 5);

        StopEntity(chat.Users, alice.ToString());

        var (socket, connected) = Connect(chat, alice);
        Assert.Equal((0L, 4L), (connected.BacklogAfter, connected.InboxHead));
        chat.Users.Tell(new SendDirect(bob, alice, Samples.Text("m5"), 5, origin.Ref));
        Assert.Equal(5, socket.ExpectMsg<PushDirect>(Timeout).Message.Seq);
    }

    [Fact]
    public void A_user_snapshots_at_its_own_phase_when_snapshots_are_spread()
    {
        var chat = StartChat(EveryFive with { SpreadSnapshots = true });
        var alice = Register(chat, "13800000001", "alice");
        var persistenceId = "user-" + alice;
        var phase = SnapshotSchedule.Phase(persistenceId, 5);
        Assert.True(phase != 0, $"{persistenceId} has phase 0 for 5: this test cannot tell a spread schedule from multiples of five");

        // Events 1 (created) and 2-7 (three friends); the last snapshot is at the last of them that its phase makes due.
        foreach (var (mobile, name) in new[] { ("13800000002", "bob"), ("13800000003", "carol"), ("13800000004", "dave") })
            MakeFriends(chat, alice, Register(chat, mobile, name));
        var expected = Enumerable.Range(1, 7).Last(seq => SnapshotSchedule.IsDue(seq, phase, 5));

        AwaitAssert(() => Assert.Equal(expected, LatestSnapshot(persistenceId)?.Metadata.SequenceNr), Timeout);
    }
}
