namespace AkkaChat.Edge.Admin;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Operations;
using AkkaChat.Edge.Transport;

/// <summary>
/// Sockets across the cluster for operators: every answering node's <see cref="NodeSocketsActor"/> is asked at once; a
/// node that does not answer in time is named, not silently left out.
/// </summary>
public sealed class ClusterSockets(ActorSystem system, ClusterPlacement placement, SocketDirectory local)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    /// <summary>This node's sockets, oldest first (<c>connections list</c>).</summary>
    public ConnectionsView Local(string node) =>
        new(node, [.. local.Sockets.Select(s => View(node, s.Socket)).OrderBy(s => s.OpenedAt)]);

    /// <summary><paramref name="user"/>'s sockets on every node.</summary>
    public async Task<(IReadOnlyList<SocketView> Sockets, IReadOnlyList<string> Unanswered)> OfUserAsync(UserId user, CancellationToken cancel)
    {
        var answers = await AskEveryNodeAsync<NodeSocketReplies.NodeSockets>(new NodeSocketCommands.ListSockets(user), cancel);
        return ([.. answers.Answered.SelectMany(a => a.Sockets.Select(s => View(a.Node, s))).OrderBy(s => s.Node, StringComparer.Ordinal).ThenBy(s => s.OpenedAt)], answers.Unanswered);
    }

    /// <summary>Closes <paramref name="user"/>'s sockets on every node (1008, <see cref="OperatorKick.DefaultReason"/>).</summary>
    public async Task<KickView> KickAsync(UserId user, CancellationToken cancel)
    {
        var answers = await AskEveryNodeAsync<NodeSocketReplies.UserKicked>(new NodeSocketCommands.KickUser(user, OperatorKick.DefaultReason), cancel);
        return new KickView(user.Value, answers.Answered.Sum(a => a.Closed),
            [.. answers.Answered.Select(a => new NodeKickView(a.Node, a.Closed)).OrderBy(n => n.Node, StringComparer.Ordinal)], answers.Unanswered);
    }

    private async Task<(IReadOnlyList<T> Answered, IReadOnlyList<string> Unanswered)> AskEveryNodeAsync<T>(object question, CancellationToken cancel)
    {
        var nodes = placement.AnsweringNodes();
        var asks = nodes.Select(async address =>
        {
            try
            {
                var target = system.ActorSelection(new RootActorPath(address) / "user" / NodeSocketsActor.Name);
                return (Address: address, Answer: await target.Ask<T>(question, QueryTimeout, cancel));
            }
            catch (AskTimeoutException)
            {
                return (Address: address, Answer: default(T));
            }
        });
        var answers = await Task.WhenAll(asks);
        return ([.. answers.Where(a => a.Answer is not null).Select(a => a.Answer!)],
            [.. answers.Where(a => a.Answer is null).Select(a => a.Address.ToString())]);
    }

    private static SocketView View(string node, SocketSummary socket) =>
        new(node, socket.User.Value, socket.Protocol, socket.RemoteAddress, socket.OpenedAt);
}

public sealed record SocketView(string Node, long User, string Protocol, string RemoteAddress, DateTimeOffset OpenedAt);

public sealed record ConnectionsView(string Node, IReadOnlyList<SocketView> Connections);

public sealed record KickView(long User, int Closed, IReadOnlyList<NodeKickView> Nodes, IReadOnlyList<string> Unanswered);

public sealed record NodeKickView(string Node, int Closed);
