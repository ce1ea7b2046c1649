using AkkaChat.Edge.Hosting;

// A start-up problem an operator can fix is one line on stderr and an exit code (StartupException), never a stack trace.
WebApplication? app = null;
try
{
    var options = StartupChecks.Options(ChatOptions.ProcessEnvironment());
    app = ChatServer.Build(options, args);
    await ChatServer.StartAsync(app);
    var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AkkaChat");
    app.Lifetime.ApplicationStopping.Register(() => log.LogInformation("AkkaChat is stopping: closing sockets, then leaving the cluster"));
    log.LogInformation(
        "AkkaChat is listening on {Urls} (cluster address akka.tcp://{System}@{Bind}:{RemotePort}, data {DataDir}, storage {Storage})",
        string.Join(", ", app.Urls), ChatActors.SystemName, options.Bind, options.RemotePort, options.DataDir, options.Storage.Kind);
    await app.WaitForShutdownAsync();
    await app.DisposeAsync(); // flushes the console logger's queue: the last lines of a shutdown are not lost
    return 0;
}
catch (StartupException e)
{
    Console.Error.WriteLine($"akkachat: {e.Message}");
    if (app is not null)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StopAsync(bound.Token);
        await app.DisposeAsync();
    }
    return e.ExitCode;
}
