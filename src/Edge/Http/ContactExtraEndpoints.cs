namespace AkkaChat.Edge.Http;

using AkkaChat.Core;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>
/// Contacts beyond the seed: friend requests, removing friends, blocking, leaving rooms, and the owner's member
/// management. Same envelope and authentication as the seed's endpoints; every change is answered once both
/// entities concerned have recorded it.
/// </summary>
public static class ContactExtraEndpoints
{
    public static void MapContactExtraEndpoints(this IEndpointRouteBuilder app)
    {
        Map(app, "/contact/request", SendRequest);
        Map(app, "/contact/requests", ListRequests);
        Map(app, "/contact/accept", Accept);
        Map(app, "/contact/reject", Reject);
        Map(app, "/contact/removefriend", RemoveFriend);
        Map(app, "/contact/block", Block);
        Map(app, "/contact/unblock", Unblock);
        Map(app, "/contact/blocked", ListBlocked);
        Map(app, "/contact/leavecommunity", LeaveCommunity);
        Map(app, "/contact/removemember", RemoveMember);
        Map(app, "/contact/transfer", Transfer);
        Map(app, "/contact/members", Members);
    }

    private static void Map(IEndpointRouteBuilder app, string path, Func<HttpContext, ApiContext, RequestFields, Task<IResult>> handler) =>
        app.MapPost(path, (HttpContext http, ApiContext api) => ApiContext.Handle(http, f => handler(http, api, f)));

    // ---- friend requests ----

    private static async Task<IResult> SendRequest(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var target = new UserId(f.RequiredId("dstid"));
        var memo = f.Text("memo", UserState.MaxRequestMemoLength);
        if (await UserEndpoints.FindProfile(api, target) is not { } peer) return ApiReply.Fail($"user {target} does not exist");
        return await api.AskUsers(new ContactCommands.SendFriendRequest(caller, target, memo)) switch
        {
            ContactReplies.FriendRequestOpen open => ApiReply.Ok(FriendRequestView.Of(open.Request, "out", "pending", peer)),
            UserReplies.FriendAdded => ApiReply.Ok(new FriendRequestView(caller.Value, target.Value, memo, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "out", "accepted", ApiReply.View(peer))),
            Core.Refused refused => ApiReply.Fail(refused.Reason),
            _ => ApiReply.Fail("sending the friend request failed, try again"),
        };
    }

    private static async Task<IResult> ListRequests(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        if (await api.AskUsers(new ContactCommands.ListFriendRequests(caller)) is not ContactReplies.FriendRequestList list)
            return ApiReply.Fail($"user {caller} does not exist");
        var peers = await ProfilesOf(api, list.Incoming.Select(r => r.From).Concat(list.Outgoing.Select(r => r.To)));
        var rows = list.Incoming.Select(r => FriendRequestView.Of(r, "in", "pending", peers.GetValueOrDefault(r.From)))
            .Concat(list.Outgoing.Select(r => FriendRequestView.Of(r, "out", "pending", peers.GetValueOrDefault(r.To))))
            .ToList();
        return ApiReply.Rows(rows);
    }

    private static Task<IResult> Accept(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var requester = new UserId(f.RequiredId("dstid"));
        return PeerAction<UserReplies.FriendAdded>(api, requester, new ContactCommands.AcceptFriendRequest(caller, requester), "accepting the request failed, try again");
    }

    private static Task<IResult> Reject(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var requester = new UserId(f.RequiredId("dstid"));
        return PeerAction<ContactReplies.FriendRequestRejected>(api, requester, new ContactCommands.RejectFriendRequest(caller, requester), "rejecting the request failed, try again");
    }

    // ---- friends and blocks ----

    private static Task<IResult> RemoveFriend(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var friend = new UserId(f.RequiredId("dstid"));
        return PeerAction<ContactReplies.FriendshipEnded>(api, friend, new ContactCommands.RemoveFriend(caller, friend), "removing the friend failed, try again");
    }

    private static async Task<IResult> Block(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var target = new UserId(f.RequiredId("dstid"));
        if (await UserEndpoints.FindProfile(api, target) is not { } profile) return ApiReply.Fail($"user {target} does not exist");
        return await api.AskUsers(new ContactCommands.BlockUser(caller, target)) switch
        {
            ContactReplies.BlockChanged => ApiReply.Ok(ApiReply.View(profile)),
            Core.Refused refused => ApiReply.Fail(refused.Reason),
            _ => ApiReply.Fail("blocking the user failed, try again"),
        };
    }

    private static Task<IResult> Unblock(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var target = new UserId(f.RequiredId("dstid"));
        return PeerAction<ContactReplies.BlockChanged>(api, target, new ContactCommands.UnblockUser(caller, target), "unblocking the user failed, try again");
    }

    private static async Task<IResult> ListBlocked(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        if (await api.AskUsers(new ContactCommands.ListBlocked(caller)) is not ContactReplies.BlockList list) return ApiReply.Fail($"user {caller} does not exist");
        return await ProfileRows(api, list.Blocked);
    }

    // ---- rooms ----

    private static async Task<IResult> LeaveCommunity(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var room = new RoomId(f.RequiredId("dstid"));
        return RoomReply(await api.AskRooms(new MembershipCommands.LeaveRoom(room, caller)), room, "leaving the room failed, try again");
    }

    private static async Task<IResult> RemoveMember(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var room = new RoomId(f.RequiredId("dstid"));
        var member = new UserId(f.RequiredId("memberid"));
        return RoomReply(await api.AskRooms(new MembershipCommands.RemoveMember(room, caller, member)), room, "removing the member failed, try again");
    }

    private static async Task<IResult> Transfer(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var room = new RoomId(f.RequiredId("dstid"));
        var member = new UserId(f.RequiredId("memberid"));
        return RoomReply(await api.AskRooms(new MembershipCommands.TransferOwnership(room, caller, member)), room, "transferring the room failed, try again");
    }

    private static async Task<IResult> Members(HttpContext http, ApiContext api, RequestFields f)
    {
        var caller = api.Caller(http, f);
        var room = new RoomId(f.RequiredId("dstid"));
        return await api.AskRooms(new MembershipCommands.ListMembers(room, caller)) switch
        {
            MembershipReplies.MemberList list => await ProfileRows(api, list.Members),
            var other => RoomReply(other, room, "listing the members failed, try again"),
        };
    }

    private static IResult RoomReply(object reply, RoomId room, string failure) => reply switch
    {
        MembershipReplies.MembershipEnded ended => ApiReply.Ok(ApiReply.View(ended.Room)),
        MembershipReplies.OwnershipMoved moved => ApiReply.Ok(ApiReply.View(moved.Room)),
        Refused refused => ApiReply.Fail(refused.Reason),
        _ => ApiReply.Fail(failure),
    };

    /// <summary>Asks the caller's entity to act on <paramref name="peer"/>; a <typeparamref name="TDone"/> reply answers with the peer's profile.</summary>
    private static async Task<IResult> PeerAction<TDone>(ApiContext api, UserId peer, object command, string failure) =>
        await api.AskUsers(command) switch
        {
            TDone => await ProfileReply(api, peer),
            Core.Refused refused => ApiReply.Fail(refused.Reason),
            _ => ApiReply.Fail(failure),
        };

    // ---- profiles ----

    private static async Task<IResult> ProfileReply(ApiContext api, UserId id) =>
        await UserEndpoints.FindProfile(api, id) is { } profile ? ApiReply.Ok(ApiReply.View(profile)) : ApiReply.Fail($"user {id} does not exist");

    /// <summary>Public profiles in the order of <paramref name="ids"/>; ids without a user are left out.</summary>
    private static async Task<IResult> ProfileRows(ApiContext api, IReadOnlyList<UserId> ids)
    {
        var profiles = await Task.WhenAll(ids.Select(id => UserEndpoints.FindProfile(api, id)));
        return ApiReply.Rows(profiles.OfType<PublicProfile>().Select(ApiReply.View).ToList());
    }

    private static async Task<Dictionary<UserId, PublicProfile>> ProfilesOf(ApiContext api, IEnumerable<UserId> ids)
    {
        var profiles = await Task.WhenAll(ids.Distinct().Select(id => UserEndpoints.FindProfile(api, id)));
        return profiles.OfType<PublicProfile>().ToDictionary(p => p.Id);
    }
}

/// <summary>
/// A friend request as the API shows it: <see cref="UserId"/> asked <see cref="DstId"/>; <see cref="Direction"/> is
/// <c>in</c> (to the caller) or <c>out</c> (from the caller); <see cref="Peer"/> is the other user's public profile.
/// </summary>
public sealed record FriendRequestView(long UserId, long DstId, string Memo, long CreateAt, string Direction, string Status, UserView? Peer)
{
    public static FriendRequestView Of(FriendRequest r, string direction, string status, PublicProfile? peer) =>
        new(r.From.Value, r.To.Value, r.Memo, r.At.ToUnixTimeMilliseconds(), direction, status, peer is null ? null : ApiReply.View(peer));
}
