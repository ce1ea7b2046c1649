namespace AkkaChat.Edge.Admin;

using Akka.Actor;
using AkkaChat.Edge.Sockets;

/// <summary>
/// Answers "how many sockets are open on this node" for the admin view of any node. The query is a string and the
/// answer an int: Akka's own primitive serializer carries both, so this needs no message type of its own.
/// </summary>
public sealed class NodeSocketsActor : UntypedActor
{
    public const string Name = "node-sockets";
    public const string Query = "socket-count";

    private readonly SocketDirectory _sockets;

    public NodeSocketsActor(SocketDirectory sockets) => _sockets = sockets;

    public static Props Props(SocketDirectory sockets) => Akka.Actor.Props.Create(() => new NodeSocketsActor(sockets));

    protected override void OnReceive(object message)
    {
        if (message is Query) Sender.Tell(_sockets.Count);
        else Unhandled(message);
    }
}
