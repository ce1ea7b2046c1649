namespace AkkaChat.Edge.Http;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>
/// Friends and rooms ("communities"). The paths the seed client's pages actually call
/// (<c>/contact/friend</c>, <c>/contact/community</c>, <c>/user/addfriend</c>, <c>/user/joincommunity</c>) are aliases.
/// </summary>
public static class ContactEndpoints
{
    public static void MapContactEndpoints(this IEndpointRouteBuilder app)
    {
        Map(app, ["/contact/addfriend", "/user/addfriend"], AddFriend);
        Map(app, ["/contact/loadfriend", "/contact/friend"], LoadFriends);
        Map(app, ["/contact/createcommunity"], CreateCommunity);
        Map(app, ["/contact/loadcommunity", "/contact/community"], LoadCommunities);
        Map(app, ["/contact/joincommunity", "/user/joincommunity"], JoinCommunity);
    }

    private static void Map(IEndpointRouteBuilder app, string[] paths, Func<HttpContext, ApiContext, RequestFields, Task<IResult>> handler)
    {
        foreach (var path in paths)
            app.MapPost(path, (HttpContext http, ApiContext api) => ApiContext.Handle(http, f => handler(http, api, f)));
    }

    private static async Task<IResult> AddFriend(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var friend = new UserId(f.RequiredId("dstid"));
        return await api.AskUsers(new UserCommands.AddFriend(caller, friend)) switch
        {
            UserReplies.FriendAdded => await UserEndpoints.FindProfile(api, friend) is { } profile
                ? ApiReply.Ok(ApiReply.View(profile))
                : ApiReply.Fail($"user {friend} does not exist"),
            Core.Refused refused => ApiReply.Fail(refused.Reason),
            _ => ApiReply.Fail("adding the friend failed, try again"),
        };
    }

    private static async Task<IResult> LoadFriends(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        if (await api.AskUsers(new UserCommands.ListFriends(caller)) is not UserReplies.FriendList list) return ApiReply.Fail($"user {caller} does not exist");
        var profiles = await Task.WhenAll(list.Friends.Select(id => UserEndpoints.FindProfile(api, id)));
        return ApiReply.Rows(profiles.OfType<PublicProfile>().Select(ApiReply.View).ToList());
    }

    private static async Task<IResult> CreateCommunity(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f, userField: "ownerid");
        var fields = new RoomFields(
            Name: f.Optional("name", 64) is { Length: > 0 } name ? name : throw new FieldError("a room needs a name"),
            Icon: f.Text("icon", 512),
            Memo: f.Text("memo", 280),
            Cate: f.OptionalInt("cate", 0));
        return await api.AskUsers(new UserCommands.CreateRoom(caller, fields, api.Options.Settings.MaxOwnedRooms)) switch
        {
            UserReplies.RoomCreated created => ApiReply.Ok(ApiReply.View(created.Room)),
            Core.Refused refused => ApiReply.Fail(refused.Reason),
            _ => ApiReply.Fail("creating the room failed, try again"),
        };
    }

    private static async Task<IResult> LoadCommunities(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        if (await api.AskUsers(new UserCommands.ListRooms(caller)) is not UserReplies.RoomList list) return ApiReply.Fail($"user {caller} does not exist");
        var rooms = await Task.WhenAll(list.Rooms.Select(id => api.AskRooms(new RoomCommands.GetRoom(id))));
        return ApiReply.Rows(rooms.OfType<RoomReplies.RoomInfo>().Select(r => ApiReply.View(r.Room)).ToList());
    }

    private static async Task<IResult> JoinCommunity(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var room = new RoomId(f.RequiredId("dstid"));
        return await api.AskUsers(new UserCommands.JoinRoom(caller, room)) switch
        {
            UserReplies.RoomJoined joined => ApiReply.Ok(ApiReply.View(joined.Room)),
            Core.Refused refused => ApiReply.Fail(refused.Reason),
            _ => ApiReply.Fail("joining the room failed, try again"),
        };
    }
}
