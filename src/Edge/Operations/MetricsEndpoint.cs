namespace AkkaChat.Edge.Operations;

using System.Net;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Edge.Hosting;
using OpenTelemetry.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the <c>AkkaChat</c> meter, .NET runtime and process metrics in Prometheus text format, through
/// OpenTelemetry's exporter. Loopback callers only unless <c>AKKACHAT_METRICS_REMOTE=true</c> (403 otherwise); no token, so a
/// Prometheus on the same machine needs no secret.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddChatMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ChatMeter.Name)
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation()
            .AddPrometheusExporter());
        services.AddSingleton<NodeStats>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeStats>());
        return services;
    }

    public static void MapMetrics(this IEndpointRouteBuilder app, bool remoteAllowed) =>
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
        {
            if (Allows(http.Connection.RemoteIpAddress, remoteAllowed))
            {
                await next(http);
                return;
            }
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync("/metrics answers only on the node's own machine (AKKACHAT_METRICS_REMOTE=true opens it)");
        }), optionsName: null);

    /// <summary>Whether a scrape from <paramref name="caller"/> is answered: always from loopback, from elsewhere only when allowed.</summary>
    public static bool Allows(IPAddress? caller, bool remoteAllowed) => remoteAllowed || LocalCaller.Is(caller);
}
