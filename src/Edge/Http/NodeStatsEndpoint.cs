namespace AkkaChat.Edge.Http;

using System.Text.Json;
using AkkaChat.Edge.Operations;

/// <summary>
/// <c>GET /admin/node</c>: this node's sockets, message totals and rates over the last ~10 s, journal commit p50/p99,
/// outbound queue depth and runtime figures, as camelCase JSON with <c>null</c> for what is not measured yet
/// (<c>akkachat-ctl node stats</c> renders it). Read from in-process counters: it never waits on an actor.
/// </summary>
public static class NodeStatsEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapNodeStats(this RouteGroupBuilder admin) =>
        admin.MapGet("/node", (NodeStats stats) => Results.Json(stats.Snapshot(), Json));
}
