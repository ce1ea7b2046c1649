namespace AkkaChat.Core.Tests.Rooms;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

public sealed class RoomMembershipSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void Creating_a_room_makes_the_creator_its_owner_and_only_member()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");

        var room = CreateRoom(chat, alice, "lobby");

        Assert.True(room.Id.Value >= IdKinds.FirstId(IdKinds.Room), $"room id {room.Id} is below the first room id");
        Assert.Equal(alice, room.OwnerId);
        Assert.Equal("lobby", room.Name);
        Assert.Equal(new[] { room.Id }, RoomsOf(chat, alice));
        var info = Query<RoomInfo>(chat.Rooms, new GetRoom(room.Id));
        Assert.Equal(room, info.Room);
        Assert.Equal(1, info.MemberCount);
        Assert.Empty(Query<RoomMessages>(chat.Rooms, new FetchRoomMessages(room.Id, alice, 0, 10)).Messages);
    }

    [Fact]
    public void Joining_a_room_records_the_member_on_both_sides()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var room = CreateRoom(chat, alice, "lobby");

        Assert.Equal(room, JoinRoom(chat, bob, room.Id));

        Assert.Equal(new[] { room.Id }, RoomsOf(chat, bob));
        Assert.Equal(2, Query<RoomInfo>(chat.Rooms, new GetRoom(room.Id)).MemberCount);
    }

    [Fact]
    public void Joining_twice_is_idempotent()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var room = CreateRoom(chat, alice, "lobby");
        JoinRoom(chat, bob, room.Id);

        Assert.Equal(room, JoinRoom(chat, bob, room.Id));
        Assert.Equal(room, JoinRoom(chat, alice, room.Id));

        Assert.Equal(new[] { room.Id }, RoomsOf(chat, bob));
        Assert.Equal(2, Query<RoomInfo>(chat.Rooms, new GetRoom(room.Id)).MemberCount);
    }

    [Fact]
    public void Joining_an_unknown_room_is_refused_and_leaves_nothing_behind()
    {
        var chat = StartChat();
        var bob = Register(chat, "13800000002", "bob");
        var nowhere = new RoomId(987_654);

        var refused = Query<Refused>(chat.Users, new JoinRoom(bob, nowhere));

        Assert.Contains("does not exist", refused.Reason, StringComparison.Ordinal);
        Assert.Empty(RoomsOf(chat, bob));
        Assert.Equal(new Refused(RefusalCodes.NotFound, $"room {nowhere} does not exist"), Query<Refused>(chat.Rooms, new GetRoom(nowhere)));
    }

    [Fact]
    public void The_room_limit_is_enforced()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        Query<RoomCreated>(chat.Users, new CreateRoom(alice, Samples.Room("one"), MaxOwnedRooms: 2));
        Query<RoomCreated>(chat.Users, new CreateRoom(alice, Samples.Room("two"), MaxOwnedRooms: 2));

        Query<Refused>(chat.Users, new CreateRoom(alice, Samples.Room("three"), MaxOwnedRooms: 2));

        Assert.Equal(2, RoomsOf(chat, alice).Count);
    }

    [Fact]
    public void The_room_limit_counts_rooms_still_being_created()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var requesters = Enumerable.Range(0, 4).Select(_ => CreateTestProbe()).ToList();

        for (var i = 0; i < requesters.Count; i++)
            chat.Users.Tell(new CreateRoom(alice, Samples.Room("room" + i), MaxOwnedRooms: 2), requesters[i].Ref);

        var replies = requesters.Select(r => r.ExpectMsg<object>(Timeout)).ToList();
        Assert.Equal(2, replies.OfType<RoomCreated>().Count());
        Assert.Equal(2, replies.OfType<Refused>().Count());
        Assert.Equal(2, RoomsOf(chat, alice).Count);
    }

    [Fact]
    public void Joined_rooms_do_not_count_against_the_limit()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var bobs = CreateRoom(chat, bob, "bobs");
        JoinRoom(chat, alice, bobs.Id);

        Query<RoomCreated>(chat.Users, new CreateRoom(alice, Samples.Room("alices"), MaxOwnedRooms: 1));

        Assert.Equal(2, RoomsOf(chat, alice).Count);
    }

    [Fact]
    public void A_room_needs_a_name()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");

        Query<Refused>(chat.Users, new CreateRoom(alice, Samples.Room("x") with { Name = " " }, MaxOwnedRooms: 2));

        Assert.Empty(RoomsOf(chat, alice));
    }
}
