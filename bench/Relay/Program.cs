using System.Net;
using AkkaChat.Bench.Relay;

// The bare relay: the same seed-000 HTTP endpoints and /chat frames as AkkaChat, kept in memory with no
// actors, no persistence and no password hashing. It is the same-run ceiling for the load-test harness.
var port = int.TryParse(Environment.GetEnvironmentVariable("RELAY_PORT"), out var p) ? p : 8090;
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, port);
    kestrel.AddServerHeader = false;
});
builder.Services.AddSingleton<RelayDirectory>();

var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.MapRelayApi();
app.Map("/chat", RelaySocketEndpoint.HandleAsync);
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/readyz", () => Results.Text("ready"));
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"relay is listening on http://127.0.0.1:{port}"));
await app.RunAsync();
