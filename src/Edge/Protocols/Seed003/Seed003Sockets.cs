namespace AkkaChat.Edge.Protocols.Seed003;

using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Transport;
using AkkaChat.Persistence.Query;

/// <summary>
/// DI singleton: opens the protocol side of one seed-003 connection, whatever carries it (<c>/ws</c>, TCP). The transport
/// owns the <see cref="SocketSession"/> and its writer and hands each inbound frame to the returned <see cref="Seed003Socket"/>.
/// </summary>
public sealed class Seed003Sockets(
    SessionGate sessions,
    ActorSystem system,
    IActorRegistry registry,
    IChatTopology topology,
    ChatOptions options,
    MessageLog log,
    SocketDirectory directory,
    UserRateLimits userRates,
    Seed003Profiles profiles,
    ILogger<Seed003Socket> logger)
{
    // Connections not signed yet: not in the socket directory (they have no actor), so closed from here when the node stops.
    private readonly ConcurrentDictionary<Seed003Socket, byte> _unsigned = new();

    internal SessionGate Sessions => sessions;
    internal ActorSystem System => system;
    internal IChatTopology Topology => topology;
    internal MessageLog Log => log;
    internal SocketDirectory Directory => directory;
    internal UserRateLimits UserRates => userRates;
    internal Seed003Profiles Profiles => profiles;
    internal ILogger<Seed003Socket> Logger => logger;
    internal IActorRef Fanout => registry.Get<RoomFanoutKey>();

    /// <summary>How long a connection may send nothing, before or after its sign: two heartbeat intervals (60 s by default).</summary>
    internal TimeSpan IdleLimit { get; } = 2 * options.HeartbeatInterval;

    internal SocketLimits Limits { get; } = new(options.MessagesPerSecond, options.MessageBurst, options.HeartbeatInterval, options.MissedHeartbeats, userRates);

    /// <param name="remote">The peer's address, for the log.</param>
    /// <param name="transport"><c>"ws"</c> or <c>"tcp"</c>, for the log and the socket list.</param>
    public Seed003Socket Open(SocketSession session, string remote, string transport)
    {
        var socket = new Seed003Socket(this, session, remote, transport);
        _unsigned.TryAdd(socket, 0);
        return socket;
    }

    /// <summary>Closes every connection that has not signed (1001); signed ones close through the socket directory.</summary>
    public void CloseUnsigned()
    {
        foreach (var socket in _unsigned.Keys) socket.CloseForShutdown();
    }

    /// <summary>The connection signed or ended: it is no longer this node's to close at shutdown.</summary>
    internal void Forget(Seed003Socket socket) => _unsigned.TryRemove(socket, out _);
}
