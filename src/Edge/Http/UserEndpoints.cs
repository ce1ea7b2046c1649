namespace AkkaChat.Edge.Http;

using System.Text.RegularExpressions;
using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Operations;

/// <summary>
/// <c>/user/register</c>, <c>/user/login</c>, <c>/user/logout</c>, <c>/user/passwd</c>, <c>/user/find</c>. Login and
/// registration are limited per client address (middleware) and per mobile (here); failed logins are logged with the
/// mobile and the address, never the password.
/// </summary>
public static partial class UserEndpoints
{
    private const string WrongCredentials = "wrong mobile or password";

    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/user/register", (HttpContext http, ApiContext api, PasswordHasher hasher, RegistrationThrottle throttle) =>
            ApiContext.Handle(http, f => Register(http, api, hasher, throttle, f))).RequireRateLimiting(AuthRateLimits.RegisterPolicy);
        app.MapPost("/user/login", (HttpContext http, ApiContext api, PasswordHasher hasher, LoginThrottle throttle, ILogger<LoginThrottle> log) =>
            ApiContext.Handle(http, f => Login(http, api, hasher, throttle, log, f))).RequireRateLimiting(AuthRateLimits.LoginPolicy);
        app.MapPost("/user/logout", (HttpContext http, ApiContext api) => ApiContext.Handle(http, f => Logout(http, api, f)));
        app.MapPost("/user/passwd", (HttpContext http, ApiContext api, PasswordHasher hasher, LoginThrottle throttle, ILogger<LoginThrottle> log) =>
            ApiContext.Handle(http, f => ChangePassword(http, api, hasher, throttle, log, f))).RequireRateLimiting(AuthRateLimits.LoginPolicy);
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

    private static async Task<IResult> Register(HttpContext http, ApiContext api, PasswordHasher hasher, RegistrationThrottle throttle, RequestFields f)
    {
        var mobile = f.Required("mobile", 20);
        if (!MobilePattern().IsMatch(mobile)) throw new FieldError("mobile must be 5 to 20 digits, optionally starting with +");
        var password = NewPassword(f, "passwd");
        var profile = new ProfileFields(
            Nickname: f.Optional("nickname", 64) is { Length: > 0 } nick ? nick : mobile,
            Avatar: f.Text("avatar", 512),
            Sex: f.Text("sex", 8),
            Memo: f.Text("memo", 280));
        if (throttle.Refused(mobile) is { } wait)
        {
            ChatMetrics.RateLimitHit("register-mobile");
            return ApiReply.Throttled(http.Response, "too many registration attempts for this mobile", wait);
        }

        var hash = await Task.Run(() => hasher.Hash(password));
        switch (await api.AskAccounts(new AccountCommands.RegisterAccount(mobile, hash, profile)))
        {
            case AccountReplies.AccountRegistered registered:
                var created = await FindProfile(api, registered.UserId);
                return created is null
                    ? ApiReply.Fail("registration is still being completed, try logging in")
                    : ApiReply.Ok(ApiReply.View(created) with { Mobile = mobile });
            case Refused refused:
                return ApiReply.Fail(refused.Reason);
            default:
                return ApiReply.Fail("registration failed, try again");
        }
    }

    private static async Task<IResult> Login(HttpContext http, ApiContext api, PasswordHasher hasher, LoginThrottle throttle, ILogger log, RequestFields f)
    {
        var mobile = f.Required("mobile", 20);
        var password = f.Required("passwd", 128);
        if (!MobilePattern().IsMatch(mobile)) return ApiReply.Fail(WrongCredentials);
        if (throttle.LockedFor(mobile) is { } locked)
        {
            ChatMetrics.RateLimitHit("login-mobile");
            log.LogWarning("Refused a login for mobile {Mobile} from {Address}: locked after failed logins", Masked(mobile), AuthRateLimits.ClientAddress(http));
            return ApiReply.Throttled(http.Response, "too many failed logins for this mobile", locked);
        }
        var credentials = await api.AskAccounts(new AccountCommands.GetCredentials(mobile)) as AccountReplies.Credentials;
        var verdict = credentials is null ? PasswordVerdict.Wrong : await Task.Run(() => hasher.Verify(password, credentials.PasswordHash));
        if (credentials is null || verdict == PasswordVerdict.Wrong)
        {
            LogFailure(http, throttle, log, mobile, credentials is null ? "unknown mobile" : "wrong password");
            return ApiReply.Fail(WrongCredentials);
        }
        throttle.Succeeded(mobile);
        if (verdict == PasswordVerdict.RightNeedsRehash) await RehashAsync(api, hasher, log, mobile, password, credentials.PasswordHash);

        var profile = await FindProfile(api, credentials.UserId);
        var session = profile is null ? null : await api.Sessions.CurrentAsync(credentials.UserId);
        if (profile is null || session is null) return ApiReply.Fail("the account is still being set up, try again in a moment");
        return ApiReply.Ok(ApiReply.View(profile) with { Mobile = mobile, Token = StartSession(http, api, session) });
    }

    /// <summary>Ends every session of the caller (all devices) and clears the cookie; the cookie is cleared even when the session had already ended.</summary>
    private static async Task<IResult> Logout(HttpContext http, ApiContext api, RequestFields f)
    {
        http.Response.Cookies.Delete(ApiContext.SessionCookie, SessionCookieOptions(http, expires: null));
        var caller = api.Caller(http, f, userField: null);
        return await api.Sessions.RevokeAsync(caller) is null ? ApiReply.Fail($"user {caller} does not exist") : ApiReply.Ok(null);
    }

    /// <summary>
    /// <c>oldpasswd</c> and <c>passwd</c> (and <c>passwdr</c>?): stores a new hash, then ends every session; the caller
    /// goes on with the fresh token in the reply (and cookie). A wrong old password counts as a failed login.
    /// </summary>
    private static async Task<IResult> ChangePassword(HttpContext http, ApiContext api, PasswordHasher hasher, LoginThrottle throttle, ILogger log, RequestFields f)
    {
        var caller = api.Caller(http, f, userField: null);
        var oldPassword = f.Required("oldpasswd", 128);
        var newPassword = NewPassword(f, "passwd");
        var current = await api.Sessions.CurrentAsync(caller);
        if (current is null) return ApiReply.Fail($"user {caller} does not exist");
        var mobile = current.Mobile;
        if (throttle.LockedFor(mobile) is { } locked)
        {
            ChatMetrics.RateLimitHit("login-mobile");
            return ApiReply.Throttled(http.Response, "too many failed logins for this mobile", locked);
        }
        if (await api.AskAccounts(new AccountCommands.GetCredentials(mobile)) is not AccountReplies.Credentials credentials || credentials.UserId != caller)
            return ApiReply.Fail("the account is still being set up, try again in a moment");
        if (await Task.Run(() => hasher.Verify(oldPassword, credentials.PasswordHash)) == PasswordVerdict.Wrong)
        {
            LogFailure(http, throttle, log, mobile, "wrong old password on a password change");
            return ApiReply.Fail("oldpasswd is not the current password");
        }
        var hash = await Task.Run(() => hasher.Hash(newPassword));
        switch (await api.AskAccounts(new AccountCommands.ReplacePasswordHash(mobile, credentials.PasswordHash, hash)))
        {
            case AccountReplies.PasswordHashStored:
                break;
            case Refused refused:
                return ApiReply.Fail(refused.Reason);
            default:
                return ApiReply.Fail("the password could not be changed, try again");
        }
        var renewed = await api.Sessions.RevokeAsync(caller);
        var profile = await FindProfile(api, caller);
        if (renewed is null || profile is null) return ApiReply.Fail("the password was changed, but ending the other sessions failed: log out to end them");
        return ApiReply.Ok(ApiReply.View(profile) with { Mobile = mobile, Token = StartSession(http, api, renewed) });
    }

    private static string NewPassword(RequestFields f, string field)
    {
        var password = f.Required(field, 128);
        if (password.Length < 6) throw new FieldError($"{field} must have at least 6 characters");
        var repeated = f.Optional(field + "r", 128);
        if (!string.IsNullOrEmpty(repeated) && repeated != password) throw new FieldError("the two passwords do not match");
        return password;
    }

    private static void LogFailure(HttpContext http, LoginThrottle throttle, ILogger log, string mobile, string reason)
    {
        var locked = throttle.Failed(mobile);
        log.LogWarning("Failed login for mobile {Mobile} from {Address} ({Reason}){Lockout}", Masked(mobile), AuthRateLimits.ClientAddress(http), reason,
            locked is { } t ? $"; logins of this mobile are refused for {t.TotalSeconds:0} s" : "");
    }

    /// <summary>Stores a hash with today's iteration count; a failure only postpones it to the next login.</summary>
    private static async Task RehashAsync(ApiContext api, PasswordHasher hasher, ILogger log, string mobile, string password, string stored)
    {
        var hash = await Task.Run(() => hasher.Hash(password));
        if (await api.AskAccounts(new AccountCommands.ReplacePasswordHash(mobile, stored, hash)) is not AccountReplies.PasswordHashStored)
            log.LogInformation("The password hash of mobile {Mobile} was not upgraded this time", Masked(mobile));
    }

    /// <summary>A mobile as logs show it: its last four digits only (a phone number is personal data; logs travel).</summary>
    private static string Masked(string mobile) => mobile.Length <= 4 ? new string('*', mobile.Length) : new string('*', mobile.Length - 4) + mobile[^4..];

    private static string StartSession(HttpContext http, ApiContext api, SessionReplies.CurrentSession session)
    {
        var (token, expires) = api.Tokens.Issue(SessionGate.Claims(session));
        http.Response.Cookies.Append(ApiContext.SessionCookie, token, SessionCookieOptions(http, expires));
        return token;
    }

    private static CookieOptions SessionCookieOptions(HttpContext http, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        Expires = expires,
    };

    [GeneratedRegex("^\\+?[0-9]{5,20}$")]
    private static partial Regex MobilePattern();
}
