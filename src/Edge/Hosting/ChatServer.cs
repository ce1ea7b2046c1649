namespace AkkaChat.Edge.Hosting;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Edge.Admin;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Http;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Transport;
using AkkaChat.Edge.Transport.Tcp;
using AkkaChat.Persistence.Attachments;
using AkkaChat.Persistence.Query;
using AkkaChat.Persistence.Storage;
using Npgsql;

/// <summary>Builds one AkkaChat node: Kestrel (HTTP API, WebSockets, static files) over the actor system.</summary>
public static class ChatServer
{
    /// <summary>
    /// Checks the configuration and ports, prepares storage and builds the node; what an operator can fix is thrown as a
    /// <see cref="StartupException"/>. HTTP listens where <c>--urls</c> / <c>ASPNETCORE_URLS</c> say, else on
    /// AKKACHAT_BIND:AKKACHAT_HTTP_PORT.
    /// </summary>
    public static WebApplication Build(ChatOptions options, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { } configured && !string.IsNullOrWhiteSpace(configured) ? configured : null;
        if (urls is null)
        {
            // Microsoft's container images set ASPNETCORE_HTTP_PORTS=8080; AKKACHAT_HTTP_PORT decides here (Kestrel would
            // warn at every start that it overrides it).
            builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, "");
            builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, "");
        }
        var bind = StartupChecks.BindAddress(options);
        StartupChecks.Hocon(options);
        StartupChecks.ConnectionString(options);
        IReadOnlyList<IPEndPoint> httpEndpoints = urls is null ? [new IPEndPoint(bind, options.HttpPort)] : StartupChecks.Urls(urls);
        foreach (var http in httpEndpoints) StartupChecks.PortFree(http, "HTTP", urls is null ? "AKKACHAT_HTTP_PORT" : "--urls/ASPNETCORE_URLS");
        StartupChecks.PortFree(new IPEndPoint(bind, options.RemotePort), "remoting", "AKKACHAT_REMOTE_PORT");
        if (options.TcpPort != 0) StartupChecks.PortFree(new IPEndPoint(StartupChecks.TcpHost(options), options.TcpPort), "TCP edge", "AKKACHAT_TCP_PORT");
        StartupChecks.Storage(options, () => Directory.CreateDirectory(options.DataDir));
        StartupChecks.Storage(options, () =>
        {
            options.Storage.Prepare();
            return true;
        });
        var signingKey = StartupChecks.Storage(options, () => SigningKey(options));

        builder.Logging.AddChatLogging(options.Log);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // With this category enabled at any level, hosting starts an Activity and a log scope per request and keeps
        // them for the request's lifetime, which for a WebSocket is the socket's (~0.4 KB per idle socket). It only
        // logs request start/finish; failures are logged by Kestrel and the endpoints.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (urls is null) kestrel.Listen(bind, options.HttpPort);
            kestrel.AddServerHeader = false;
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(new TokenService(signingKey, options.TokenLifetime));
        services.AddSingleton(sp => new SessionGate(sp.GetRequiredService<TokenService>(), sp.GetRequiredService<IChatTopology>(), options.Auth.SessionCheckCache,
            sp.GetRequiredService<ILogger<SessionGate>>()));
        services.AddSingleton(new PasswordHasher(options.Auth.Pbkdf2Iterations));
        services.AddSingleton(new LoginThrottle(options.Auth.LoginFailuresPerMobile, options.Auth.MobileWindow));
        services.AddSingleton(new RegistrationThrottle(options.Auth.RegistrationsPerMobile, options.Auth.MobileWindow));
        services.AddAuthRateLimits(options.Auth);
        AddAttachmentStore(services, options);
        services.AddSingleton<IChatTopology>(sp => new ShardedTopology(sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<IActorRegistry>()));
        services.AddSingleton<ApiContext>();
        services.AddSingleton<SocketDirectory>();
        services.AddSingleton(new UserRateLimits(2 * options.MessagesPerSecond, 2 * options.MessageBurst));
        services.AddSingleton(sp => new MessageLog(sp.GetRequiredService<ActorSystem>()));
        services.AddSingleton<Seed003Profiles>();
        services.AddSingleton<Seed003Sockets>();
        services.AddSingleton(sp => new ClusterPlacement(sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<IActorRegistry>()));
        services.AddSingleton(AdminToken.LoadOrCreate(options));
        services.AddSingleton(sp => new ClusterMembership(sp.GetRequiredService<ActorSystem>()));
        services.AddSingleton(sp => new ClusterSockets(sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<ClusterPlacement>(), sp.GetRequiredService<SocketDirectory>()));
        services.AddSingleton(sp => new EntityInspection(sp.GetRequiredService<IChatTopology>(), sp.GetRequiredService<ClusterPlacement>(), sp.GetRequiredService<ClusterSockets>()));
        services.AddAkka(ChatActors.SystemName, (akka, sp) => akka.AddChatActors(options)
            .WithChatLogging(options.Log, sp.GetRequiredService<ILoggerFactory>())
            .WithActors((system, _) => system.ActorOf(NodeSocketsActor.Props(sp.GetRequiredService<SocketDirectory>()), NodeSocketsActor.Name))
            .WithActors((system, _) => system.ActorOf(
                ClusterMembersLog.Props(sp.GetRequiredService<ILogger<ClusterMembersLog>>(), lone: options.SeedNodes.Count == 0), "members-log")));
        services.AddChatMetrics(); // after AddAkka: its node stats start once the actor system has
        // After AddAkka too: the TCP edge binds once the actor system runs. It carries seed-003 frames.
        services.AddTcpEdge(options, sp =>
        {
            var seed003 = sp.GetRequiredService<Seed003Sockets>();
            return (session, remote) =>
            {
                var socket = seed003.Open(session, remote, "tcp");
                return new TcpFrameHandler(socket, socket.OnClosed);
            };
        });

        var app = builder.Build();
        // Sockets close before the actor system stops (ApplicationStopping runs before hosted services stop).
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            app.Services.GetRequiredService<Seed003Sockets>().CloseUnsigned();
            app.Services.GetRequiredService<SocketDirectory>().CloseAll();
        });
        // The read journal starts (and waits, blocking, for its paired journal plugin) once, here, off the request path:
        // left to the first sockets, hundreds of them blocked on it at once and starved the thread pool.
        // Its start can time out on a loaded machine (the plugin's own 5 s wait for the journal), so it is retried until it
        // succeeds or the node stops; until then the node is not ready. One empty read builds its queries, so the first
        // seed-000 backlog or v2 sync does not wait for that either.
        var readJournal = new TaskCompletionSource();
        app.Lifetime.ApplicationStarted.Register(() => Task.Run(() => StartReadJournalAsync(app, readJournal)));
        app.UseErrorEnvelope();
        // A peer that stops answering pings (a dropped network, a sleeping phone) is aborted rather than kept: its socket
        // would count as the user's open socket forever, and a client reconnecting later would start as a second device.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.KeepAlive, KeepAliveTimeout = options.KeepAliveTimeout });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRateLimiter();
        app.MapUserEndpoints();
        app.MapContactEndpoints();
        app.MapContactExtraEndpoints();
        app.MapAttachmentEndpoints();
        app.MapChatSocket();
        app.MapSeed003Socket();
        app.MapAdminEndpoints();
        app.MapMetrics(options.MetricsRemote);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (ActorSystem system) =>
            Cluster.Get(system).SelfMember.Status == MemberStatus.Up && readJournal.Task.IsCompletedSuccessfully
                ? Results.Text("ready")
                : Results.Text("starting", statusCode: 503));
        return app;
    }

    /// <summary>Starts the node; a port taken between the check and the bind still ends in one line, not a stack trace.</summary>
    public static async Task StartAsync(WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw new StartupException(StartupException.CannotListen, e.Message, e);
        }
    }

    /// <summary>
    /// One node keeps uploads on its disk; on PostgreSQL (a cluster) the database holds them, so every node serves every
    /// upload, and the node's attachments directory is only its cache.
    /// </summary>
    private static void AddAttachmentStore(IServiceCollection services, ChatOptions options)
    {
        var disk = new LocalDiskAttachmentStore(options.AttachmentsDir);
        if (options.Storage.Kind != StorageKind.Postgres)
        {
            services.AddSingleton<IAttachmentStore>(disk);
            return;
        }
        services.AddSingleton(_ => NpgsqlDataSource.Create(options.Storage.ConnectionString));
        services.AddSingleton<IAttachmentStore>(sp => new PostgresAttachmentStore(sp.GetRequiredService<NpgsqlDataSource>(), disk));
    }

    /// <summary>
    /// The token signing key: from <c>AKKACHAT_SECRET</c> when set; otherwise generated once, into the data directory of
    /// a lone SQLite node, or into the PostgreSQL database so that every node of a cluster signs and checks alike.
    /// </summary>
    private static byte[] SigningKey(ChatOptions options) =>
        options.Secret is null && options.Storage.Kind == StorageKind.Postgres
            ? SharedSecrets.LoadOrCreate(options.Storage.ConnectionString, "token-signing")
            : TokenService.LoadOrCreateKey(options.Secret, options.DataDir);

    private static async Task StartReadJournalAsync(WebApplication app, TaskCompletionSource started)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChatServer));
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await app.Services.GetRequiredService<MessageLog>().WarmUpAsync();
                started.TrySetResult();
                return;
            }
            catch (Exception e)
            {
                var retryIn = TimeSpan.FromSeconds(Math.Min(attempt, 5));
                log.LogWarning(e, "The read journal did not start (attempt {Attempt}); retrying in {RetryIn}", attempt, retryIn);
                try
                {
                    await Task.Delay(retryIn, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
