namespace AkkaChat.Edge.Transport;

using System.Collections.Concurrent;
using Akka.Actor;
using AkkaChat.Core.Operations;
using AkkaChat.Core.Users;

/// <summary>
/// The open sockets of this node. When the node stops, every socket is closed first (1001, "server shutting down")
/// and its user entity records what it delivered, before the actor system and its shards go away — so nothing a
/// socket showed is delivered again after a restart, and clients learn at once that they should reconnect.
/// </summary>
public sealed class SocketDirectory
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(8);

    private readonly ConcurrentDictionary<IActorRef, (SocketSummary Socket, SocketSession? Session)> _connections = new(); // the session, for its queue depth
    private readonly ConcurrentDictionary<Task, byte> _recording = new();
    private volatile bool _stopping;

    public int Count => _connections.Count;

    /// <summary>The open sockets and their connection actors (for operators: list, kick).</summary>
    public IEnumerable<(IActorRef Connection, SocketSummary Socket)> Sockets => _connections.Select(kv => (kv.Key, kv.Value.Socket));

    /// <summary>
    /// A socket was accepted. One accepted while the node is already stopping (its handshake raced the stop) is closed
    /// at once, like the others: a client must never be left on a socket nobody will close.
    /// </summary>
    public void Add(IActorRef connection, SocketSummary socket, SocketSession? session = null)
    {
        _connections.TryAdd(connection, (socket, session));
        if (_stopping) Track(ShutDown(connection));
    }

    /// <summary>The socket closed: its connection actor stops, and its marks are being stored (a shutdown waits for that too).</summary>
    public void Closed(IActorRef connection, bool alreadyStopped)
    {
        if (!_connections.TryRemove(connection, out _)) return; // the shutdown already ended it
        if (alreadyStopped) return; // it closed the socket itself and has already handed its marks over
        Track(connection.Ask<UserReplies.DisconnectRecorded>(ack => new SocketClosed(ack), ShutdownWait, CancellationToken.None));
    }

    /// <summary>Frames queued on this node's sockets and not yet written (a gauge: read without the sessions' locks).</summary>
    public long QueuedFrames()
    {
        long queued = 0;
        foreach (var (_, (_, session)) in _connections) queued += session?.Queued ?? 0;
        return queued;
    }

    /// <summary>Ends a socket for the shutdown, unless something else already took it out of the directory.</summary>
    private Task ShutDown(IActorRef connection) =>
        _connections.TryRemove(connection, out _)
            ? connection.Ask<UserReplies.DisconnectRecorded>(ack => new ServerShutdown(ack), ShutdownWait, CancellationToken.None)
            : Task.CompletedTask;

    private void Track(Task recorded)
    {
        _recording.TryAdd(recorded, 0);
        recorded.ContinueWith(t => _recording.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Closes every socket and waits (bounded) until each user entity confirmed its marks are stored.</summary>
    public void CloseAll()
    {
        // Set before reading the open sockets: a socket added concurrently is seen here or sees the flag (or both,
        // and then whichever removes it first ends it).
        _stopping = true;
        var acks = _connections.Keys
            .Select(ShutDown)
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
