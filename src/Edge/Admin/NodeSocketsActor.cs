namespace AkkaChat.Edge.Admin;

using Akka.Actor;
using Akka.Cluster;
using AkkaChat.Core.Operations;
using AkkaChat.Edge.Transport;

/// <summary>
/// This node's socket directory for operators on any node: how many sockets are open (the query is a string and the
/// answer an int, both carried by Akka's primitive serializer), which ones (<see cref="NodeSocketCommands.ListSockets"/>),
/// and closing a user's (<see cref="NodeSocketCommands.KickUser"/>, through each socket's own connection actor).
/// </summary>
public sealed class NodeSocketsActor : UntypedActor
{
    public const string Name = "node-sockets";
    public const string Query = "socket-count";

    private readonly SocketDirectory _sockets;
    private readonly string _node;

    public NodeSocketsActor(SocketDirectory sockets)
    {
        _sockets = sockets;
        _node = Cluster.Get(Context.System).SelfAddress.ToString();
    }

    public static Props Props(SocketDirectory sockets) => Akka.Actor.Props.Create(() => new NodeSocketsActor(sockets));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Query:
                Sender.Tell(_sockets.Count);
                break;
            case NodeSocketCommands.ListSockets list:
                Sender.Tell(new NodeSocketReplies.NodeSockets(_node, [.. _sockets.Sockets
                    .Where(s => list.User is not { } user || s.Socket.User == user)
                    .Select(s => s.Socket)
                    .OrderBy(s => s.OpenedAt)]));
                break;
            case NodeSocketCommands.KickUser kick:
                var kicked = _sockets.Sockets.Where(s => s.Socket.User == kick.User).ToList();
                foreach (var (connection, _) in kicked) connection.Tell(new OperatorKick(kick.Reason));
                Sender.Tell(new NodeSocketReplies.UserKicked(_node, kick.User, kicked.Count));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
