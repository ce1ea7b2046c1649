namespace AkkaChat.Edge.Sockets;

using System.Collections.Concurrent;
using Akka.Actor;
using AkkaChat.Core.Users;

/// <summary>
/// The open sockets of this node. When the node stops, every socket is closed first (1001, "server shutting down")
/// and its user entity records what it delivered, before the actor system and its shards go away — so nothing a
/// socket showed is delivered again after a restart, and clients learn at once that they should reconnect.
/// </summary>
public sealed class SocketDirectory
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(8);

    private readonly ConcurrentDictionary<IActorRef, byte> _connections = new();

    public int Count => _connections.Count;

    public void Add(IActorRef connection) => _connections.TryAdd(connection, 0);

    public void Remove(IActorRef connection) => _connections.TryRemove(connection, out _);

    /// <summary>Closes every socket and waits (bounded) until each user entity confirmed its marks are stored.</summary>
    public void CloseAll()
    {
        var acks = _connections.Keys
            .Select(connection => connection.Ask<UserReplies.DisconnectRecorded>(ack => new ServerShutdown(ack), ShutdownWait, CancellationToken.None))
            .ToArray();
        try
        {
            Task.WaitAll(acks, ShutdownWait);
        }
        catch (AggregateException)
        {
            // A socket whose entity did not answer in time: its marks may be a little behind (documented).
        }
    }
}
