namespace AkkaChat.Core.Operations;

using AkkaChat.Core.Ids;

/// <summary>
/// Operators' questions to a node's socket directory (its <c>node-sockets</c> actor), asked of every node of the cluster:
/// which sockets are open, and close a user's.
/// </summary>
public static class NodeSocketCommands
{
    /// <summary>The node's open sockets: all of them, or only <paramref name="User"/>'s.</summary>
    public sealed record ListSockets(UserId? User);

    /// <summary>Close every socket of <paramref name="User"/> on the node with 1008 and <paramref name="Reason"/>.</summary>
    public sealed record KickUser(UserId User, string Reason);
}

public static class NodeSocketReplies
{
    public sealed record NodeSockets(string Node, IReadOnlyList<SocketSummary> Sockets);

    public sealed record UserKicked(string Node, UserId User, int Closed);
}

/// <summary>One open socket: its user, protocol (<c>seed000</c> or <c>v2</c>), the client's address and when it opened.</summary>
public sealed record SocketSummary(UserId User, string Protocol, string RemoteAddress, DateTimeOffset OpenedAt);
