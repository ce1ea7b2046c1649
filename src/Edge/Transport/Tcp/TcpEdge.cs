namespace AkkaChat.Edge.Transport.Tcp;

using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaChat.Edge.Hosting;
using StreamTcp = Akka.Streams.Dsl.Tcp;

/// <summary>What the TCP edge needs of the node's options.</summary>
public sealed record TcpEdgeSettings(string Host, int Port, int MaxFrameBytes, int OutboundQueue, TimeSpan IdleTimeout)
{
    /// <summary>
    /// The frame limit and queue of the WebSockets; the idle bound of seed-003 connections (two heartbeat intervals), which the
    /// protocol keeps too: the edge's own is the transport's backstop, and it also ends a client stuck inside a frame.
    /// </summary>
    public static TcpEdgeSettings From(ChatOptions options) =>
        new(options.TcpHost, options.TcpPort, options.MaxFrameBytes, options.OutboundQueue, 2 * options.HeartbeatInterval);
}

/// <summary>
/// The raw TCP edge (AKKACHAT_TCP_PORT): Akka.Streams' <c>Tcp().Bind</c>, each accepted connection one stream
/// (<see cref="TcpConnection"/>) whose frames go to the protocol <see cref="OpenTcpConnection"/> opens. Started after the
/// actor system and stopped before it: at the node's stop it unbinds first (ApplicationStopping, before the socket directory
/// ends the signed connections and waits for their marks), then closes whatever is still open and waits, bounded.
/// </summary>
public sealed class TcpEdge(ActorSystem system, TcpEdgeSettings settings, OpenTcpConnection open, IHostApplicationLifetime lifetime, ILogger<TcpEdge> log)
    : IHostedService
{
    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(8);

    private readonly ConcurrentDictionary<TcpConnection, byte> _connections = new();
    private ActorMaterializer? _materializer;
    private StreamTcp.ServerBinding? _binding;
    private volatile bool _stopping;

    /// <summary>Where the edge listens once started (the port, when 0 was asked for in a test, is the one the OS chose).</summary>
    public EndPoint? LocalAddress => _binding?.LocalAddress;

    /// <summary>Open TCP connections.</summary>
    public int Count => _connections.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _materializer = ActorMaterializer.Create(system, namePrefix: "tcp-edge");
        var bound = system.TcpStream()
            .Bind(settings.Host, settings.Port, halfClose: false)
            .To(Sink.ForEach<StreamTcp.IncomingConnection>(Accept))
            .Run(_materializer);
        try
        {
            _binding = await bound.WaitAsync(BindTimeout, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StartupException(StartupException.CannotListen,
                $"the TCP edge cannot listen on {settings.Host}:{settings.Port} (AKKACHAT_TCP_HOST, AKKACHAT_TCP_PORT): {e.Message}", e);
        }
        // Registered after the socket directory's CloseAll, so it runs before it: no new connection while the node waits for marks.
        lifetime.ApplicationStopping.Register(() => _binding?.Unbind());
        log.LogInformation("TCP edge listening on {Address} (seed-003 frames: 4-byte big-endian length, at most {MaxFrameBytes} bytes)",
            _binding.Value.LocalAddress, settings.MaxFrameBytes);
    }

    /// <summary>Unbinds, closes every connection still open (1001 in the log; TCP just ends) and waits, bounded, for them to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_binding is { } binding) await binding.Unbind().WaitAsync(ShutdownWait, CancellationToken.None).ConfigureAwait(false);
        var open = _connections.Keys.ToArray();
        foreach (var connection in open) connection.Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
        try
        {
            await Task.WhenAll(open.Select(c => c.Ended)).WaitAsync(ShutdownWait, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            log.LogWarning("TCP edge: {Count} connections did not end within {Wait} s of the shutdown; they are dropped", _connections.Count, ShutdownWait.TotalSeconds);
        }
        _materializer?.Dispose(); // ends whatever is left, abruptly
    }

    private void Accept(StreamTcp.IncomingConnection incoming)
    {
        TcpConnection connection;
        try
        {
            connection = TcpConnection.Run(incoming, settings, open, _materializer!, log, Forget);
        }
        catch (Exception e)
        {
            log.LogError(e, "TCP edge: could not open the connection from {Address}", incoming.RemoteAddress);
            incoming.HandleWith(Flow.FromSinkAndSource(Sink.Cancelled<Akka.IO.ByteString>(), Source.Empty<Akka.IO.ByteString>()), _materializer!);
            return;
        }
        _connections.TryAdd(connection, 0);
        if (connection.Ended.IsCompleted) _connections.TryRemove(connection, out _); // it ended before it was added
        // A connection accepted while the node stops (it raced the unbind) is closed like the others.
        if (_stopping) connection.Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
    }

    private void Forget(TcpConnection connection) => _connections.TryRemove(connection, out _);
}
