namespace AkkaChat.Core.Tests.Rooms;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomReplies;
using static AkkaChat.Core.Users.ConnectionPushes;

public sealed class RoomMessageSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void A_members_message_is_acknowledged_and_published_once()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var room = CreateRoom(chat, alice, "lobby");
        JoinRoom(chat, bob, room.Id);
        SubscribeNode(chat, room.Id);
        var origin = CreateTestProbe();

        chat.Rooms.Tell(new SendRoomMessage(room.Id, bob, Samples.Text("hello room"), 9, origin.Ref));

        var accepted = origin.ExpectMsg<RoomAccepted>(Timeout);
        Assert.Equal(9, accepted.ReplyTag);
        Assert.Equal((room.Id, 1L, bob, Samples.Text("hello room")), (accepted.Message.RoomId, accepted.Message.Seq, accepted.Message.SenderId, accepted.Message.Payload));
        var published = RoomFanout.ExpectMsg<RoomMessagePublished>(Timeout);
        Assert.Equal(accepted.Message, published.Message);
        Assert.Equal(origin.Ref, published.Origin);
        RoomFanout.ExpectNoMsg(Quiet);
        origin.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Messages_are_numbered_densely_and_can_be_fetched_by_members()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var room = CreateRoom(chat, alice, "lobby");
        JoinRoom(chat, bob, room.Id);
        var origin = CreateTestProbe();

        for (var i = 1; i <= 4; i++)
        {
            chat.Rooms.Tell(new SendRoomMessage(room.Id, i % 2 == 0 ? alice : bob, Samples.Text("m" + i), i, origin.Ref));
            Assert.Equal(i, origin.ExpectMsg<RoomAccepted>(Timeout).Message.Seq);
        }

        var fetched = Query<RoomMessages>(chat.Rooms, new FetchRoomMessages(room.Id, alice, AfterSeq: 1, Max: 2));
        Assert.Equal(new long[] { 2, 3 }, fetched.Messages.Select(m => m.Seq));
        Assert.Equal(4, fetched.HeadSeq);
    }

    [Fact]
    public void A_message_from_a_non_member_is_refused_and_not_published()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var mallory = Register(chat, "13800000002", "mallory");
        var room = CreateRoom(chat, alice, "lobby");
        var origin = CreateTestProbe();

        chat.Rooms.Tell(new SendRoomMessage(room.Id, mallory, Samples.Text("let me in"), 3, origin.Ref));

        var refused = origin.ExpectMsg<ChatRefused>(Timeout);
        Assert.Equal((3L, "not-member"), (refused.ReplyTag, refused.Code));
        RoomFanout.ExpectNoMsg(Quiet);
        Query<Refused>(chat.Rooms, new FetchRoomMessages(room.Id, mallory, 0, 10));
    }

    [Fact]
    public void A_message_to_a_room_that_does_not_exist_is_refused()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var origin = CreateTestProbe();

        chat.Rooms.Tell(new SendRoomMessage(new RoomId(987_654), alice, Samples.Text("anyone?"), 4, origin.Ref));

        var refused = origin.ExpectMsg<ChatRefused>(Timeout);
        Assert.Equal((4L, "no-room"), (refused.ReplyTag, refused.Code));
        RoomFanout.ExpectNoMsg(Quiet);
    }
}
