namespace AkkaChat.Core.Tests.Rooms;

using Akka.Actor;
using Akka.TestKit;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.NodeSubscriptionCommands;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Users.ConnectionPushes;

/// <summary>
/// A room publishes only to the nodes that subscribed, forgets a node whose fan-out stopped, and after a restart publishes to
/// every node until each has answered its roll call.
/// </summary>
public sealed class RoomNodeSubscriptionSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    private static readonly Address NodeA = Address.Parse("akka.tcp://chat@127.0.0.1:1001");
    private static readonly Address NodeB = Address.Parse("akka.tcp://chat@127.0.0.1:1002");

    [Fact]
    public void Messages_go_once_to_each_subscribed_node_and_to_no_other()
    {
        var (fanoutA, fanoutB) = (CreateTestProbe("fanout-a"), CreateTestProbe("fanout-b"));
        var chat = StartTwoNodeChat(fanoutA, fanoutB);
        var (alice, room) = RoomOf(chat);
        var origin = CreateTestProbe();
        Send(chat, room, alice, origin, 1);

        Assert.Equal(1, SubscribeNode(chat, room, fanoutA, NodeA));
        Send(chat, room, alice, origin, 2);

        Assert.Equal(2, fanoutA.ExpectMsg<RoomMessagePublished>(Timeout).Message.Seq);
        fanoutA.ExpectNoMsg(Quiet);
        fanoutB.ExpectNoMsg(Quiet);

        SubscribeNode(chat, room, fanoutA, NodeA, subscribed: false, request: 2);
        Send(chat, room, alice, origin, 3);
        fanoutA.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_node_whose_fanout_stopped_is_dropped()
    {
        var (fanoutA, fanoutB) = (CreateTestProbe("fanout-a"), CreateTestProbe("fanout-b"));
        var chat = StartTwoNodeChat(fanoutA, fanoutB);
        var (alice, room) = RoomOf(chat);
        var origin = CreateTestProbe();
        SubscribeNode(chat, room, fanoutA, NodeA);
        SubscribeNode(chat, room, fanoutB, NodeB);
        Watch(fanoutB.Ref);

        Sys.Stop(fanoutB.Ref);
        ExpectTerminated(fanoutB.Ref, Timeout);
        // The room's own Terminated is a system message, queued before anything the test sends next.
        EventFilter.DeadLetter<RoomMessagePublished>().Expect(0, Quiet, () =>
        {
            Send(chat, room, alice, origin, 1);
            Assert.Equal(1, fanoutA.ExpectMsg<RoomMessagePublished>(Timeout).Message.Seq);
        });
    }

    [Fact]
    public void A_restarted_room_publishes_to_every_node_until_each_answered_its_roll_call()
    {
        var (fanoutA, fanoutB) = (CreateTestProbe("fanout-a"), CreateTestProbe("fanout-b"));
        var chat = StartTwoNodeChat(fanoutA, fanoutB);
        var (alice, room) = RoomOf(chat);
        var origin = CreateTestProbe();
        SubscribeNode(chat, room, fanoutA, NodeA);
        StopEntity(chat.Rooms, room.ToString());

        Send(chat, room, alice, origin, 1); // wakes the room: a new incarnation that knows no subscriber

        var callA = fanoutA.ExpectMsg<RollCall>(Timeout);
        var callB = fanoutB.ExpectMsg<RollCall>(Timeout);
        Assert.Equal((room, callA.Call), (callB.RoomId, callB.Call));
        Assert.Equal(1, fanoutA.ExpectMsg<RoomMessagePublished>(Timeout).Message.Seq);
        Assert.Equal(1, fanoutB.ExpectMsg<RoomMessagePublished>(Timeout).Message.Seq);

        // A answers that it still has sockets (and learns the head); B that it has none.
        Assert.Equal(1, SubscribeNode(chat, room, fanoutA, NodeA, request: 2, rollCall: callA.Call));
        SubscribeNode(chat, room, fanoutB, NodeB, subscribed: false, request: 1, rollCall: callB.Call);
        Send(chat, room, alice, origin, 2);

        Assert.Equal(2, fanoutA.ExpectMsg<RoomMessagePublished>(Timeout).Message.Seq);
        fanoutA.ExpectNoMsg(Quiet);
        fanoutB.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_node_that_does_not_answer_is_called_again_and_keeps_getting_everything()
    {
        var (fanoutA, fanoutB) = (CreateTestProbe("fanout-a"), CreateTestProbe("fanout-b"));
        var chat = StartTwoNodeChat(fanoutA, fanoutB);
        var (alice, room) = RoomOf(chat);
        var origin = CreateTestProbe();
        StopEntity(chat.Rooms, room.ToString());
        Send(chat, room, alice, origin, 1);
        var call = fanoutA.ExpectMsg<RollCall>(Timeout).Call;
        fanoutB.ExpectMsg<RollCall>(Timeout);
        fanoutA.ExpectMsg<RoomMessagePublished>(Timeout);
        fanoutB.ExpectMsg<RoomMessagePublished>(Timeout);
        SubscribeNode(chat, room, fanoutA, NodeA, subscribed: false, rollCall: call);

        Assert.Equal(call, fanoutB.ExpectMsg<RollCall>(TimeSpan.FromSeconds(10)).Call); // retried after a few seconds
        Send(chat, room, alice, origin, 2);
        Assert.Equal(2, fanoutB.ExpectMsg<RoomMessagePublished>(Timeout).Message.Seq);
        fanoutA.ExpectNoMsg(Quiet);
    }

    private LocalChat StartTwoNodeChat(TestProbe fanoutA, TestProbe fanoutB) =>
        LocalChat.Start(Sys, DefaultSettings, RoomFanout.Ref, nodes: [new NodeFanout(NodeA, fanoutA.Ref), new NodeFanout(NodeB, fanoutB.Ref)]);

    private (UserId Alice, RoomId Room) RoomOf(LocalChat chat)
    {
        var alice = Register(chat, "13800000001", "alice");
        return (alice, CreateRoom(chat, alice, "lobby").Id);
    }

    private static void Send(LocalChat chat, RoomId room, UserId sender, TestProbe origin, long expectedSeq)
    {
        chat.Rooms.Tell(new SendRoomMessage(room, sender, Samples.Text("m" + expectedSeq), expectedSeq, origin.Ref));
        Assert.Equal(expectedSeq, origin.ExpectMsg<RoomAccepted>(Timeout).Message.Seq);
    }
}
