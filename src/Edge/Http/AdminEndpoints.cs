namespace AkkaChat.Edge.Http;

using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Admin;
using AkkaChat.Edge.Hosting;

/// <summary>
/// <c>/admin</c>: operators' endpoints (what <c>akkachat-ctl</c> calls), not the chat API: plain JSON with HTTP status
/// codes. Every request needs the admin token (<c>Authorization: Bearer</c>, 401 without it) and, unless
/// <c>AKKACHAT_ADMIN_REMOTE=true</c>, must come from the node's own machine (403; a reverse proxy on the same machine
/// must not forward <c>/admin</c>).
/// </summary>
public static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var token = http.RequestServices.GetRequiredService<AdminToken>();
            var remote = http.RequestServices.GetRequiredService<ChatOptions>().AdminRemote;
            return AdminAccess.Judge(http.Connection.RemoteIpAddress, http.Request.Headers.Authorization, token, remote) switch
            {
                AdminVerdict.Allowed => await AnsweredAsync(next, context),
                AdminVerdict.NotLocal => Error(StatusCodes.Status403Forbidden, "the admin endpoints answer only on the node's own machine (AKKACHAT_ADMIN_REMOTE=true allows others)"),
                AdminVerdict.NoToken => Error(StatusCodes.Status401Unauthorized, "the admin endpoints need the admin token: send Authorization: Bearer TOKEN (the token is in the data directory's admin.token)"),
                _ => Error(StatusCodes.Status401Unauthorized, "wrong admin token"),
            };
        });

        admin.MapGet("/cluster", async (ClusterPlacement placement, CancellationToken cancel) =>
            Results.Json(await placement.ViewAsync(cancel), Json));
        admin.MapPost("/cluster/leave", (HttpRequest request, ClusterMembership cluster) => MembershipAsync(request, "leave", cluster.Leave));
        admin.MapPost("/cluster/down", (HttpRequest request, ClusterMembership cluster) => MembershipAsync(request, "down", cluster.Down));
        admin.MapPost("/cluster/join", (HttpRequest request, ClusterMembership cluster) => MembershipAsync(request, "join", cluster.Join));

        admin.MapGet("/sharding/regions", async (ClusterPlacement placement, CancellationToken cancel) =>
            Results.Json(new { regions = await placement.RegionsAsync(cancel) }, Json));
        admin.MapGet("/sharding/regions/{type}", async (string type, ClusterPlacement placement, CancellationToken cancel) =>
            await placement.RegionStatsAsync(type, cancel) is { } stats
                ? Results.Json(stats, Json)
                : Error(StatusCodes.Status404NotFound, $"no entity type '{type}'; the types are {string.Join(", ", ClusterPlacement.ShardTypeNames)}"));

        admin.MapGet("/users/{id}", async (string id, EntityInspection inspection, CancellationToken cancel) =>
        {
            if (PositiveId(id) is not { } user) return Error(StatusCodes.Status400BadRequest, $"'{id}' is not a user id");
            return await inspection.UserAsync(new UserId(user), cancel) is { } view
                ? Results.Json(view, Json)
                : Error(StatusCodes.Status404NotFound, $"user {user} does not exist");
        });
        admin.MapGet("/rooms/{id}", async (string id, EntityInspection inspection, CancellationToken cancel) =>
        {
            if (PositiveId(id) is not { } room) return Error(StatusCodes.Status400BadRequest, $"'{id}' is not a room id");
            return await inspection.RoomAsync(new RoomId(room), cancel) is { } view
                ? Results.Json(view, Json)
                : Error(StatusCodes.Status404NotFound, $"room {room} does not exist");
        });

        admin.MapGet("/connections", (ClusterSockets sockets, ActorSystem system) =>
            Results.Json(sockets.Local(Cluster.Get(system).SelfAddress.ToString()), Json));
        admin.MapPost("/connections/kick", async (HttpRequest request, ClusterSockets sockets, CancellationToken cancel) =>
        {
            var body = await ReadBodyAsync(request);
            if (body is null || !body.Value.TryGetProperty("user", out var field) || PositiveId(field.ToString()) is not { } user)
                return Error(StatusCodes.Status400BadRequest, "send {\"user\": <user id>}");
            return Results.Json(await sockets.KickAsync(new UserId(user), cancel), Json);
        });

        admin.MapGet("/locate", async (HttpRequest request, ClusterPlacement placement, CancellationToken cancel) =>
        {
            var asked = ClusterPlacement.ShardTypeNames.Where(t => request.Query.ContainsKey(t)).ToList();
            if (asked.Count != 1)
                return Error(StatusCodes.Status400BadRequest, $"name exactly one entity: ?{string.Join("=ID, ?", ClusterPlacement.ShardTypeNames)}=ID");
            var type = asked[0];
            var id = request.Query[type].ToString();
            if (!IsEntityId(type, id)) return Error(StatusCodes.Status400BadRequest, $"'{id}' is not a {type} id");
            return Results.Json(await placement.LocateAsync(type, id, cancel), Json);
        });

        admin.MapNodeStats();
    }

    /// <summary>An entity or region that does not answer in time is a 503 with the reason, not a bare 500.</summary>
    private static async ValueTask<object?> AnsweredAsync(EndpointFilterDelegate next, EndpointFilterInvocationContext context)
    {
        try
        {
            return await next(context);
        }
        catch (AskTimeoutException)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, "the cluster did not answer in time; try again");
        }
    }

    /// <summary>A leave, down or join named by <c>{"address": "akka.tcp://akkachat@host:port"}</c>: 202 once asked of Akka.Cluster.</summary>
    private static async Task<IResult> MembershipAsync(HttpRequest request, string action, Func<string, MembershipChange> change)
    {
        var body = await ReadBodyAsync(request);
        if (body is null || !body.Value.TryGetProperty("address", out var field) || field.ValueKind != JsonValueKind.String)
            return Error(StatusCodes.Status400BadRequest, "send {\"address\": \"akka.tcp://akkachat@host:port\"}");
        var result = change(field.GetString()!);
        return result.Outcome switch
        {
            MembershipOutcome.Requested => Results.Json(new { action, address = result.Detail }, Json, statusCode: StatusCodes.Status202Accepted),
            MembershipOutcome.NotAMember => Error(StatusCodes.Status404NotFound, result.Detail),
            _ => Error(StatusCodes.Status400BadRequest, result.Detail),
        };
    }

    /// <summary>The request's JSON object, or null when the body is not one; at most 4 KiB is read.</summary>
    private static async Task<JsonElement?> ReadBodyAsync(HttpRequest request)
    {
        var buffer = new byte[4097];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0) length += read;
        if (length == buffer.Length) return null;
        try
        {
            using var body = JsonDocument.Parse(buffer.AsMemory(0, length));
            return body.RootElement.ValueKind == JsonValueKind.Object ? body.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Error(int status, string error) => Results.Json(new { error }, Json, statusCode: status);

    private static long? PositiveId(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static bool IsEntityId(string type, string id) => type switch
    {
        ShardTypes.Account => id.Length is >= 5 and <= 20 && id.TrimStart('+').All(char.IsAsciiDigit),
        ShardTypes.IdBlock => id.Length is > 0 and <= 32 && id.All(char.IsAsciiLetterLower),
        _ => PositiveId(id) is not null,
    };
}
