namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using static AkkaChat.Core.Rooms.NodeSubscriptionCommands;
using static AkkaChat.Core.Rooms.NodeSubscriptionReplies;

/// <summary>
/// Which nodes get the room's messages, typing and recalls: those whose fan-out actor subscribed (it has local sockets
/// for the room), watched and never persisted. A subscription is answered with the room's head, so the node's sockets
/// know that everything after it reaches them. A started entity has lost its predecessor's set: it calls the roll of
/// every node and publishes to each node until that node answered.
/// </summary>
public sealed partial class RoomEntity
{
    private static readonly TimeSpan RollCallRetryInterval = TimeSpan.FromSeconds(3);

    private NodeSubscriptions _nodes = new(0, []);

    private void RegisterNodeCommands()
    {
        Command<SetNodeSubscription>(HandleNodeSubscription);
        Command<Terminated>(t => _nodes.Remove(t.ActorRef));
        Command<RetryRollCall>(_ => CallRoll());
    }

    /// <summary>After recovery: only a room that existed before can have subscribers from a previous incarnation.</summary>
    private void StartRollCall()
    {
        if (!State.Exists) return;
        _nodes = new NodeSubscriptions(Random.Shared.NextInt64(1, long.MaxValue), Topology.NodeFanouts.Select(n => n.Node.ToString()));
        CallRoll();
    }

    /// <summary>Asks each node that has not answered (and is still a member); again every few seconds until all have.</summary>
    private void CallRoll()
    {
        var members = Topology.NodeFanouts;
        _nodes.KeepUnansweredAmong(members.Select(n => n.Node.ToString()));
        if (_nodes.Unanswered.Count == 0) return;
        var call = new RollCall(State.Profile!.Id, _nodes.Call);
        foreach (var node in members)
        {
            if (_nodes.Unanswered.Contains(node.Node.ToString())) node.Fanout.Tell(call, Self);
        }
        Timers.StartSingleTimer("roll-call", RetryRollCall.Instance, RollCallRetryInterval);
    }

    private void HandleNodeSubscription(SetNodeSubscription request)
    {
        var change = _nodes.Apply(request);
        if (change == NodeChange.Stale) return;
        if (change == NodeChange.Subscribed) Context.Watch(request.Fanout);
        else if (change == NodeChange.Unsubscribed) Context.Unwatch(request.Fanout);
        request.Fanout.Tell(new NodeSubscriptionSet(request.RoomId, request.Subscribed, State.Seq, request.Request));
    }

    /// <summary>To every subscribed node and, while the roll call runs, to every node that has not answered: once per node.</summary>
    private void Publish(object published)
    {
        foreach (var fanout in _nodes.Subscribed) fanout.Tell(published, ActorRefs.NoSender);
        if (_nodes.Unanswered.Count == 0) return;
        foreach (var node in Topology.NodeFanouts)
        {
            if (_nodes.Broadcasts(node.Node.ToString())) node.Fanout.Tell(published, ActorRefs.NoSender);
        }
    }

    private sealed class RetryRollCall
    {
        public static readonly RetryRollCall Instance = new();
    }
}
