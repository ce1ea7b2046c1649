namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using AkkaChat.Core.Ids;

public static class NodeSubscriptionCommands
{
    /// <summary>
    /// From the fan-out actor of the node at address <paramref name="Node"/>, through the room shard region: the node has local sockets for the
    /// room (<paramref name="Subscribed"/>) or no longer has. <paramref name="Request"/> grows with every request of that
    /// fan-out, so one that arrives after a newer one is ignored. <paramref name="RollCall"/>, when not 0, is the
    /// <see cref="RollCall.Call"/> this request answers.
    /// </summary>
    public sealed record SetNodeSubscription(RoomId RoomId, string Node, IActorRef Fanout, bool Subscribed, long Request, long RollCall = 0) : IWithRoomId;
}

public static class NodeSubscriptionReplies
{
    /// <summary>The room recorded request <paramref name="Request"/>; when subscribed, every message stored after <paramref name="Head"/> is published to the node.</summary>
    public sealed record NodeSubscriptionSet(RoomId RoomId, bool Subscribed, long Head, long Request);
}

/// <summary>
/// From a room entity that just started (it does not know who subscribed to its previous incarnation) to every node's
/// fan-out actor: answer with a <see cref="NodeSubscriptionCommands.SetNodeSubscription"/> carrying <paramref name="Call"/>.
/// </summary>
public sealed record RollCall(RoomId RoomId, long Call);
