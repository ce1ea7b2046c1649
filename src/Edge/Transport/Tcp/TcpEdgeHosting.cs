namespace AkkaChat.Edge.Transport.Tcp;

using Akka.Actor;
using AkkaChat.Edge.Hosting;

/// <summary>Wiring of the TCP edge into a node (only when AKKACHAT_TCP_PORT is set).</summary>
public static class TcpEdgeHosting
{
    /// <summary>
    /// Adds the edge as a hosted service. Call after <c>AddAkka</c>: hosted services start in order and stop in reverse, so
    /// the edge binds once the actor system runs and is gone before it stops.
    /// </summary>
    public static IServiceCollection AddTcpEdge(this IServiceCollection services, ChatOptions options, Func<IServiceProvider, OpenTcpConnection> protocol)
    {
        if (options.TcpPort == 0) return services;
        services.AddSingleton(sp => new TcpEdge(sp.GetRequiredService<ActorSystem>(), TcpEdgeSettings.From(options), protocol(sp),
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<TcpEdge>>()));
        services.AddHostedService(sp => sp.GetRequiredService<TcpEdge>());
        return services;
    }
}
