namespace AkkaChat.Core.Tests.Rooms;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using static AkkaChat.Core.Rooms.NodeSubscriptionCommands;

/// <summary>The room's set of nodes, without an actor system: requests in order, stale ones, and the roll call.</summary>
public sealed class NodeSubscriptionsSpec
{
    private static readonly RoomId Room = new(7);
    private const string NodeA = "akka.tcp://chat@127.0.0.1:1001";
    private const string NodeB = "akka.tcp://chat@127.0.0.1:1002";
    private static readonly IActorRef FanoutA = new FakeRef("a");
    private static readonly IActorRef FanoutB = new FakeRef("b");

    [Fact]
    public void A_node_is_subscribed_and_unsubscribed_by_its_requests_in_order()
    {
        var nodes = new NodeSubscriptions(call: 5, unanswered: []);

        Assert.Equal(NodeChange.Subscribed, nodes.Apply(Request(FanoutA, NodeA, true, 1)));
        Assert.Equal(NodeChange.Unchanged, nodes.Apply(Request(FanoutA, NodeA, true, 2)));
        Assert.Equal(new[] { FanoutA }, nodes.Subscribed);
        Assert.Equal(NodeChange.Unsubscribed, nodes.Apply(Request(FanoutA, NodeA, false, 3)));
        Assert.Empty(nodes.Subscribed);
    }

    [Fact]
    public void A_request_older_than_one_applied_is_ignored_in_both_directions()
    {
        var nodes = new NodeSubscriptions(call: 5, unanswered: []);
        nodes.Apply(Request(FanoutA, NodeA, true, 4));

        Assert.Equal(NodeChange.Stale, nodes.Apply(Request(FanoutA, NodeA, false, 3)));
        Assert.Equal(new[] { FanoutA }, nodes.Subscribed);
        nodes.Apply(Request(FanoutA, NodeA, false, 6));
        Assert.Equal(NodeChange.Stale, nodes.Apply(Request(FanoutA, NodeA, true, 5)));
        Assert.Empty(nodes.Subscribed);
    }

    [Fact]
    public void A_terminated_fanout_is_forgotten_and_a_new_incarnation_starts_its_own_count()
    {
        var nodes = new NodeSubscriptions(call: 5, unanswered: []);
        nodes.Apply(Request(FanoutA, NodeA, true, 40));

        nodes.Remove(FanoutA);

        Assert.Empty(nodes.Subscribed);
        Assert.Equal(NodeChange.Subscribed, nodes.Apply(Request(FanoutA, NodeA, true, 1)));
    }

    [Fact]
    public void Until_a_node_answers_the_roll_call_it_gets_everything_and_only_an_answer_to_this_call_counts()
    {
        var nodes = new NodeSubscriptions(call: 5, unanswered: [NodeA, NodeB]);
        Assert.True(nodes.Broadcasts(NodeA));
        Assert.True(nodes.Broadcasts(NodeB));

        // A request sent before the call (to the previous incarnation) is applied but is not the node's answer.
        nodes.Apply(Request(FanoutA, NodeA, false, 1));
        Assert.True(nodes.Broadcasts(NodeA));
        nodes.Apply(Request(FanoutA, NodeA, false, 2, rollCall: 4));
        Assert.True(nodes.Broadcasts(NodeA));

        nodes.Apply(Request(FanoutA, NodeA, false, 3, rollCall: 5));
        Assert.False(nodes.Broadcasts(NodeA));
        Assert.Equal(new[] { NodeB }, nodes.Unanswered);

        // Subscribed before answering: published to by reference, not a second time by address.
        nodes.Apply(Request(FanoutB, NodeB, true, 1));
        Assert.False(nodes.Broadcasts(NodeB));
        Assert.Equal(new[] { NodeB }, nodes.Unanswered);
    }

    [Fact]
    public void A_node_that_left_the_cluster_is_no_longer_awaited()
    {
        var nodes = new NodeSubscriptions(call: 5, unanswered: [NodeA, NodeB]);

        nodes.KeepUnansweredAmong([NodeB]);

        Assert.Equal(new[] { NodeB }, nodes.Unanswered);
    }

    private static SetNodeSubscription Request(IActorRef fanout, string node, bool subscribed, long request, long rollCall = 0) =>
        new(Room, node, fanout, subscribed, request, rollCall);

    /// <summary>An actor reference that is only compared, never told.</summary>
    private sealed class FakeRef(string name) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(Address.Parse("akka://fake")) / name;

        public override IActorRefProvider Provider => throw new NotSupportedException();
    }
}
