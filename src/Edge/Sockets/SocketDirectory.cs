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
    private readonly ConcurrentDictionary<Task, byte> _recording = new();

    public int Count => _connections.Count;

    public void Add(IActorRef connection) => _connections.TryAdd(connection, 0);

    /// <summary>The socket closed: its connection actor stops, and its marks are being stored (a shutdown waits for that too).</summary>
    public void Closed(IActorRef connection, bool alreadyStopped)
    {
        _connections.TryRemove(connection, out _);
        if (alreadyStopped) return; // it closed the socket itself and has already handed its marks over
        Track(connection.Ask<UserReplies.DisconnectRecorded>(ack => new SocketClosed(ack), ShutdownWait, CancellationToken.None));
    }

    private void Track(Task recorded)
    {
        _recording.TryAdd(recorded, 0);
        recorded.ContinueWith(t => _recording.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Closes every socket and waits (bounded) until each user entity confirmed its marks are stored.</summary>
    public void CloseAll()
    {
        var acks = _connections.Keys
            .Select(connection => connection.Ask<UserReplies.DisconnectRecorded>(ack => new ServerShutdown(ack), ShutdownWait, CancellationToken.None))
            .Concat(_recording.Keys)
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
