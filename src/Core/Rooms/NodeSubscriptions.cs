namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using static AkkaChat.Core.Rooms.NodeSubscriptionCommands;

/// <summary>What a node's subscription request did to a room's set of nodes.</summary>
public enum NodeChange
{
    Subscribed,
    Unsubscribed,

    /// <summary>The node was already in the state it asked for.</summary>
    Unchanged,

    /// <summary>Older than a request the room already applied: ignored.</summary>
    Stale,
}

/// <summary>
/// The nodes a room publishes to: the fan-out actors that subscribed (they have local sockets for the room) and, from
/// the entity's start until each node answered its roll call, every node that has not answered yet — a fresh entity does
/// not know who subscribed to its previous incarnation. Live state, never persisted; pure (the entity watches the fan-outs).
/// </summary>
public sealed class NodeSubscriptions
{
    private readonly Dictionary<IActorRef, string> _subscribed = [];
    private readonly Dictionary<IActorRef, long> _lastRequest = []; // per fan-out that ever asked; dropped when it terminates
    private readonly HashSet<string> _unanswered;

    /// <param name="call">This incarnation's roll call; only an answer carrying it takes a node off <paramref name="unanswered"/>.</param>
    public NodeSubscriptions(long call, IEnumerable<string> unanswered)
    {
        Call = call;
        _unanswered = [.. unanswered];
    }

    public long Call { get; }

    /// <summary>The subscribed fan-outs: every message goes to each.</summary>
    public Dictionary<IActorRef, string>.KeyCollection Subscribed => _subscribed.Keys;

    /// <summary>Nodes that have not answered the roll call yet: messages go to them too.</summary>
    public IReadOnlyCollection<string> Unanswered => _unanswered;

    /// <summary>Whether a message also goes to <paramref name="node"/>'s fan-out by address (it has not answered and is not subscribed).</summary>
    public bool Broadcasts(string node) => _unanswered.Contains(node) && !_subscribed.ContainsValue(node);

    public NodeChange Apply(SetNodeSubscription request)
    {
        if (request.RollCall == Call) _unanswered.Remove(request.Node);
        if (_lastRequest.TryGetValue(request.Fanout, out var last) && request.Request < last) return NodeChange.Stale;
        _lastRequest[request.Fanout] = request.Request;
        if (request.Subscribed) return _subscribed.TryAdd(request.Fanout, request.Node) ? NodeChange.Subscribed : NodeChange.Unchanged;
        return _subscribed.Remove(request.Fanout) ? NodeChange.Unsubscribed : NodeChange.Unchanged;
    }

    /// <summary>The fan-out stopped (its node left or crashed).</summary>
    public void Remove(IActorRef fanout)
    {
        _subscribed.Remove(fanout);
        _lastRequest.Remove(fanout);
    }

    /// <summary>A node that is no longer a member will never answer.</summary>
    public void KeepUnansweredAmong(IEnumerable<string> members) => _unanswered.IntersectWith(members);
}
