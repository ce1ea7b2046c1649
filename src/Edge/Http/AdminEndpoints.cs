namespace AkkaChat.Edge.Http;

using System.Net;
using System.Text.Json;
using AkkaChat.Core;
using AkkaChat.Edge.Admin;

/// <summary>
/// <c>/admin/cluster</c> and <c>/admin/locate</c>: where the cluster's entities and sockets are. Operators' endpoints,
/// not the chat API: plain JSON with HTTP status codes, answered only to callers on the node's own machine (403 for
/// anyone else; a reverse proxy on the same machine must not forward <c>/admin</c>).
/// </summary>
public static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
            IsLoopback(context.HttpContext.Connection.RemoteIpAddress)
                ? await next(context)
                : Results.Json(new { error = "the admin endpoints answer only on the node's own machine" }, Json, statusCode: StatusCodes.Status403Forbidden));

        admin.MapGet("/cluster", async (ClusterPlacement placement, CancellationToken cancel) =>
            Results.Json(await placement.ViewAsync(cancel), Json));

        admin.MapGet("/locate", async (HttpRequest request, ClusterPlacement placement, CancellationToken cancel) =>
        {
            var asked = ClusterPlacement.ShardTypeNames.Where(t => request.Query.ContainsKey(t)).ToList();
            if (asked.Count != 1)
                return Results.Json(new { error = $"name exactly one entity: ?{string.Join("=ID, ?", ClusterPlacement.ShardTypeNames)}=ID" }, Json, statusCode: StatusCodes.Status400BadRequest);
            var type = asked[0];
            var id = request.Query[type].ToString();
            if (!IsEntityId(type, id))
                return Results.Json(new { error = $"'{id}' is not a {type} id" }, Json, statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(await placement.LocateAsync(type, id, cancel), Json);
        });

        admin.MapNodeStats();
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private static bool IsEntityId(string type, string id) => type switch
    {
        ShardTypes.Account => id.Length is >= 5 and <= 20 && id.TrimStart('+').All(char.IsAsciiDigit),
        ShardTypes.IdBlock => id.Length is > 0 and <= 32 && id.All(char.IsAsciiLetterLower),
        _ => long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0,
    };
}
