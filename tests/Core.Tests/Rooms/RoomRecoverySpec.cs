namespace AkkaChat.Core.Tests.Rooms;

using Akka.Actor;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomEvents;
using static AkkaChat.Core.Rooms.RoomReplies;
using static AkkaChat.Core.Users.ConnectionPushes;

/// <summary>Kill a room entity, let the next message bring it back (from its journal, or its snapshot), and check what it remembers.</summary>
public sealed class RoomRecoverySpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void A_restarted_room_recovers_its_members_and_log()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var room = CreateRoom(chat, alice, "lobby");
        JoinRoom(chat, bob, room.Id);
        var origin = CreateTestProbe();
        for (var i = 1; i <= 3; i++)
        {
            chat.Rooms.Tell(new SendRoomMessage(room.Id, alice, Samples.Text("m" + i), i, origin.Ref));
            origin.ExpectMsg<RoomAccepted>(Timeout);
        }

        StopEntity(chat.Rooms, room.Id.ToString());

        var info = Query<RoomInfo>(chat.Rooms, new GetRoom(room.Id));
        Assert.Equal(Samples.AsStored(room), info.Room);
        Assert.Equal(2, info.MemberCount);
        var log = Query<RoomMessages>(chat.Rooms, new FetchRoomMessages(room.Id, bob, 0, 10));
        Assert.Equal(new long[] { 1, 2, 3 }, log.Messages.Select(m => m.Seq));
        Assert.Equal(new[] { "m1", "m2", "m3" }, log.Messages.Select(m => m.Payload.Content));
        chat.Rooms.Tell(new SendRoomMessage(room.Id, bob, Samples.Text("m4"), 4, origin.Ref));
        Assert.Equal(4, origin.ExpectMsg<RoomAccepted>(Timeout).Message.Seq);
    }

    [Fact]
    public void A_room_recovers_from_its_snapshot_without_the_events_it_covers()
    {
        var chat = StartChat(DefaultSettings with { SnapshotEvery = 5, SpreadSnapshots = false });
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var room = CreateRoom(chat, alice, "lobby");
        JoinRoom(chat, bob, room.Id);
        var origin = CreateTestProbe();
        var persistenceId = "room-" + room.Id;

        // Events 1 (created), 2 (bob joined), 3-5 (messages 1-3): the snapshot; messages 4-5 come after it.
        for (var i = 1; i <= 5; i++)
        {
            chat.Rooms.Tell(new SendRoomMessage(room.Id, i % 2 == 0 ? alice : bob, Samples.Text("m" + i), i, origin.Ref));
            origin.ExpectMsg<RoomAccepted>(Timeout);
        }

        AwaitAssert(
            () =>
            {
                var saved = LatestSnapshot(persistenceId);
                Assert.NotNull(saved);
                Assert.Equal(5, saved.Metadata.SequenceNr);
                var snapshot = Assert.IsType<RoomSnapshot>(saved.Snapshot);
                Assert.Equal(3, snapshot.Seq);
                Assert.Equal(2, snapshot.Members.Count);
            },
            Timeout);
        DeleteEventsTo(persistenceId, 5);

        StopEntity(chat.Rooms, room.Id.ToString());

        var info = Query<RoomInfo>(chat.Rooms, new GetRoom(room.Id));
        Assert.Equal((Samples.AsStored(room), 2), (info.Room, info.MemberCount));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, Query<RoomMessages>(chat.Rooms, new FetchRoomMessages(room.Id, bob, 0, 10)).Messages.Select(m => m.Seq));
        chat.Rooms.Tell(new SendRoomMessage(room.Id, bob, Samples.Text("m6"), 6, origin.Ref));
        Assert.Equal(6, origin.ExpectMsg<RoomAccepted>(Timeout).Message.Seq);
    }
}
