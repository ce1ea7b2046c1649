namespace AkkaChat.Edge.Protocols.Seed003;

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
    Seed003Devices devices,
    Seed003Profiles profiles,
    ILogger<Seed003Socket> logger)
{
    internal SessionGate Sessions => sessions;
    internal ActorSystem System => system;
    internal IChatTopology Topology => topology;
    internal MessageLog Log => log;
    internal SocketDirectory Directory => directory;
    internal UserRateLimits UserRates => userRates;
    internal Seed003Devices Devices => devices;
    internal Seed003Profiles Profiles => profiles;
    internal ILogger<Seed003Socket> Logger => logger;
    internal IActorRef Fanout => registry.Get<RoomFanoutKey>();

    /// <summary>How long a connection may send nothing, before or after its sign: two heartbeat intervals (60 s by default).</summary>
    internal TimeSpan IdleLimit { get; } = 2 * options.HeartbeatInterval;

    internal SocketLimits Limits { get; } = new(options.MessagesPerSecond, options.MessageBurst, options.HeartbeatInterval, options.MissedHeartbeats, userRates);

    /// <param name="remote">The peer's address, for the log.</param>
    /// <param name="transport"><c>"ws"</c> or <c>"tcp"</c>, for the log and the socket list.</param>
    public Seed003Socket Open(SocketSession session, string remote, string transport) => new(this, session, remote, transport);
}
