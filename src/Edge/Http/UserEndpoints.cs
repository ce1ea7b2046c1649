namespace AkkaChat.Edge.Http;

using System.Text.RegularExpressions;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Auth;

/// <summary><c>/user/register</c>, <c>/user/login</c>, <c>/user/find</c>.</summary>
public static partial class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/user/register", (HttpContext http, ApiContext api) => ApiContext.Handle(http, f => Register(api, f)));
        app.MapPost("/user/login", (HttpContext http, ApiContext api) => ApiContext.Handle(http, f => Login(http, api, f)));
        app.MapPost("/user/find", (HttpContext http, ApiContext api) => ApiContext.Handle(http, async f =>
        {
            api.Caller(http, f, userField: null);
            var id = new UserId(f.RequiredId("id"));
            return await FindProfile(api, id) is { } profile ? ApiReply.Ok(ApiReply.View(profile)) : ApiReply.Fail($"user {id} does not exist");
        }));
    }

    /// <summary>The public profile of <paramref name="id"/>, or null when no such user exists.</summary>
    public static async Task<PublicProfile?> FindProfile(ApiContext api, UserId id) =>
        await api.AskUsers(new UserCommands.GetProfile(id)) is UserReplies.ProfileReply reply ? reply.Profile : null;

    private static async Task<IResult> Register(ApiContext api, RequestFields f)
    {
        var mobile = f.Required("mobile", 20);
        if (!MobilePattern().IsMatch(mobile)) throw new FieldError("mobile must be 5 to 20 digits, optionally starting with +");
        var password = f.Required("passwd", 128);
        if (password.Length < 6) throw new FieldError("passwd must have at least 6 characters");
        var repeated = f.Optional("passwdr", 128);
        if (!string.IsNullOrEmpty(repeated) && repeated != password) throw new FieldError("the two passwords do not match");
        var profile = new ProfileFields(
            Nickname: f.Optional("nickname", 64) is { Length: > 0 } nick ? nick : mobile,
            Avatar: f.Text("avatar", 512),
            Sex: f.Text("sex", 8),
            Memo: f.Text("memo", 280));

        var hash = await Task.Run(() => PasswordHasher.Hash(password));
        switch (await api.AskAccounts(new AccountCommands.RegisterAccount(mobile, hash, profile)))
        {
            case AccountReplies.AccountRegistered registered:
                var created = await FindProfile(api, registered.UserId);
                return created is null
                    ? ApiReply.Fail("registration is still being completed, try logging in")
                    : ApiReply.Ok(ApiReply.View(created) with { Mobile = mobile });
            case AccountReplies.AccountRefused refused:
                return ApiReply.Fail(refused.Reason);
            default:
                return ApiReply.Fail("registration failed, try again");
        }
    }

    private static async Task<IResult> Login(HttpContext http, ApiContext api, RequestFields f)
    {
        const string wrong = "wrong mobile or password";
        var mobile = f.Required("mobile", 20);
        var password = f.Required("passwd", 128);
        if (!MobilePattern().IsMatch(mobile)) return ApiReply.Fail(wrong);
        if (await api.AskAccounts(new AccountCommands.GetCredentials(mobile)) is not AccountReplies.Credentials credentials)
            return ApiReply.Fail(wrong);
        if (!await Task.Run(() => PasswordHasher.Verify(password, credentials.PasswordHash))) return ApiReply.Fail(wrong);
        var profile = await FindProfile(api, credentials.UserId);
        if (profile is null) return ApiReply.Fail("the account is still being set up, try again in a moment");

        var (token, expires) = api.Tokens.Issue(credentials.UserId);
        http.Response.Cookies.Append(ApiContext.SessionCookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = expires,
        });
        return ApiReply.Ok(ApiReply.View(profile) with { Mobile = mobile, Token = token });
    }

    [GeneratedRegex("^\\+?[0-9]{5,20}$")]
    private static partial Regex MobilePattern();
}
