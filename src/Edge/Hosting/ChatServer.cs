namespace AkkaChat.Edge.Hosting;

using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Http;
using AkkaChat.Edge.Sockets;
using AkkaChat.Persistence.Attachments;
using AkkaChat.Persistence.Query;

/// <summary>Builds one AkkaChat node: Kestrel (HTTP API, WebSockets, static files) over the actor system.</summary>
public static class ChatServer
{
    public static WebApplication Build(ChatOptions options, string[]? args = null)
    {
        options.Storage.Prepare();
        Directory.CreateDirectory(options.DataDir);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // With this category enabled at any level, hosting starts an Activity and a log scope per request and keeps
        // them for the request's lifetime, which for a WebSocket is the socket's (~0.4 KB per idle socket). It only
        // logs request start/finish; failures are logged by Kestrel and the endpoints.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Bind), options.HttpPort);
            kestrel.AddServerHeader = false;
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(new TokenService(TokenService.LoadOrCreateKey(options.Secret, options.DataDir), options.TokenLifetime));
        services.AddSingleton<IAttachmentStore>(new LocalDiskAttachmentStore(options.AttachmentsDir));
        services.AddSingleton<IChatTopology>(sp => new ShardedTopology(sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<IActorRegistry>()));
        services.AddSingleton<ApiContext>();
        services.AddSingleton<SocketDirectory>();
        services.AddSingleton(new UserRateLimits(2 * options.MessagesPerSecond, 2 * options.MessageBurst));
        services.AddSingleton(sp => new MessageLog(sp.GetRequiredService<ActorSystem>()));
        services.AddAkka(ChatActors.SystemName, (akka, _) => akka.AddChatActors(options));

        var app = builder.Build();
        // Sockets close before the actor system stops (ApplicationStopping runs before hosted services stop).
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<SocketDirectory>().CloseAll());
        // The read journal starts (and waits, blocking, for its paired journal plugin) once, here, off the request path:
        // left to the first sockets, hundreds of them blocked on it at once and starved the thread pool.
        var readJournal = new TaskCompletionSource();
        app.Lifetime.ApplicationStarted.Register(() => Task.Run(() =>
        {
            try
            {
                app.Services.GetRequiredService<MessageLog>();
                readJournal.TrySetResult();
            }
            catch (Exception e)
            {
                readJournal.TrySetException(e);
            }
        }));
        app.UseErrorEnvelope();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.KeepAlive });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapUserEndpoints();
        app.MapContactEndpoints();
        app.MapContactExtraEndpoints();
        app.MapAttachmentEndpoints();
        app.MapChatSocket();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (ActorSystem system) =>
            Cluster.Get(system).SelfMember.Status == MemberStatus.Up && readJournal.Task.IsCompletedSuccessfully
                ? Results.Text("ready")
                : Results.Text(readJournal.Task.IsFaulted ? "read journal failed: " + readJournal.Task.Exception!.InnerException!.Message : "starting", statusCode: 503));
        return app;
    }
}
