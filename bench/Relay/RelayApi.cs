namespace AkkaChat.Bench.Relay;

using System.Globalization;

/// <summary>The seed-000 HTTP endpoints the harness uses, answered from memory in AkkaChat's envelope.</summary>
public static class RelayApi
{
    public static void MapRelayApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/user/register", async (HttpRequest req, RelayDirectory dir) =>
        {
            var f = await ReadFieldsAsync(req);
            var mobile = f.GetValueOrDefault("mobile") ?? "";
            var passwd = f.GetValueOrDefault("passwd") ?? "";
            if (mobile.Length is < 5 or > 20 || !mobile.All(char.IsAsciiDigit)) return Fail("mobile must be 5 to 20 digits");
            if (passwd.Length < 6) return Fail("passwd must have at least 6 characters");
            var user = dir.Register(mobile, passwd, f.GetValueOrDefault("nickname") is { Length: > 0 } n ? n : mobile);
            return user is null ? Fail("this mobile is already registered") : Ok(UserView(user, null));
        });
        app.MapPost("/user/login", async (HttpRequest req, RelayDirectory dir) =>
        {
            var f = await ReadFieldsAsync(req);
            var user = dir.FindByMobile(f.GetValueOrDefault("mobile") ?? "");
            if (user is null || user.Password != f.GetValueOrDefault("passwd")) return Fail("wrong mobile or password");
            return Ok(UserView(user, dir.IssueToken(user)));
        });
        app.MapPost("/user/find", async (HttpRequest req, RelayDirectory dir) =>
        {
            var f = await ReadFieldsAsync(req);
            if (Caller(req, f, dir) is null) return Fail("please log in");
            return Id(f, "id") is { } id && dir.Find(id) is { } user ? Ok(UserView(user, null)) : Fail("no such user");
        });
        app.MapPost("/contact/addfriend", async (HttpRequest req, RelayDirectory dir) =>
        {
            var f = await ReadFieldsAsync(req);
            if (Caller(req, f, dir) is not { } caller) return Fail("please log in");
            if (Id(f, "dstid") is not { } id || dir.Find(id) is not { } friend) return Fail("no such user");
            if (friend.Id == caller.Id) return Fail("you cannot add yourself as a friend");
            caller.AddFriend(friend.Id);
            friend.AddFriend(caller.Id);
            return Ok(UserView(friend, null));
        });
        app.MapPost("/contact/createcommunity", async (HttpRequest req, RelayDirectory dir) =>
        {
            var f = await ReadFieldsAsync(req);
            if (Caller(req, f, dir) is not { } caller) return Fail("please log in");
            if (f.GetValueOrDefault("name") is not { Length: > 0 } name) return Fail("a room needs a name");
            if (Interlocked.Increment(ref caller.OwnedRooms) > RelayDirectory.MaxOwnedRooms) return Fail("room limit reached");
            return Ok(RoomView(dir.CreateRoom(caller, name)));
        });
        app.MapPost("/contact/joincommunity", async (HttpRequest req, RelayDirectory dir) =>
        {
            var f = await ReadFieldsAsync(req);
            if (Caller(req, f, dir) is not { } caller) return Fail("please log in");
            if (Id(f, "dstid") is not { } id || dir.FindRoom(id) is not { } room) return Fail("no such room");
            room.Add(caller);
            return Ok(RoomView(room));
        });
    }

    private static async Task<Dictionary<string, string>> ReadFieldsAsync(HttpRequest req)
    {
        if (!req.HasFormContentType) return [];
        var form = await req.ReadFormAsync();
        return form.ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
    }

    private static RelayUser? Caller(HttpRequest req, Dictionary<string, string> fields, RelayDirectory dir)
    {
        var header = req.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : fields.GetValueOrDefault("token");
        return dir.Authenticate(token);
    }

    private static long? Id(Dictionary<string, string> fields, string name) =>
        long.TryParse(fields.GetValueOrDefault(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;

    private static object UserView(RelayUser user, string? token) => token is null
        ? new { id = user.Id, mobile = user.Mobile, nickname = user.Nickname }
        : new { id = user.Id, mobile = user.Mobile, nickname = user.Nickname, token };

    private static object RoomView(RelayRoom room) => new { id = room.Id, name = room.Name, ownerid = room.OwnerId };

    private static IResult Ok(object data) => Results.Json(new { code = 0, msg = "", data });

    private static IResult Fail(string msg) => Results.Json(new { code = -1, msg });
}
