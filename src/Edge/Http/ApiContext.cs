namespace AkkaChat.Edge.Http;

using Akka.Actor;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Operations;

/// <summary>What every API handler needs: the topology to ask entities, the token service and session checks, and options.</summary>
public sealed class ApiContext(IChatTopology topology, TokenService tokens, SessionGate sessions, ChatOptions options)
{
    public const string SessionCookie = "akkachat_token";
    public const string NotLoggedIn = "please log in: the session is missing, invalid, expired or ended";
    private const string CallerItem = "akkachat.caller";
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public IChatTopology Topology => topology;
    public TokenService Tokens => tokens;
    public SessionGate Sessions => sessions;
    public ChatOptions Options => options;

    /// <summary>Runs a handler with the request's fields; refusals and timeouts become <c>code:-1</c> replies.</summary>
    public static async Task<IResult> Handle(HttpContext http, Func<RequestFields, Task<IResult>> handler)
    {
        try
        {
            var fields = await RequestFields.ReadAsync(http.Request);
            await http.RequestServices.GetRequiredService<ApiContext>().AuthenticateAsync(http, fields);
            return await handler(fields);
        }
        catch (FieldError e)
        {
            return ApiReply.Fail(e.Message);
        }
        catch (AskTimeoutException)
        {
            ChatMetrics.AskTimedOut();
            return ApiReply.Fail("the server is busy, try again");
        }
        catch (BadHttpRequestException e)
        {
            return ApiReply.Fail(e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "the request is too large" : "bad request: " + e.Message);
        }
        catch (InvalidDataException e)
        {
            return ApiReply.Fail("bad request: " + e.Message);
        }
        catch (IOException) when (!http.RequestAborted.IsCancellationRequested)
        {
            // A multipart body that ends before its closing boundary (the reader reports an unexpected end of stream).
            return ApiReply.Fail("bad request: the body ended before it was complete");
        }
    }

    /// <summary>
    /// The authenticated caller (cookie, <c>Authorization: Bearer</c>, or a <c>token</c> field), as checked before the
    /// handler ran. When the request names a <paramref name="userField"/> (the seed's <c>userid</c>/<c>ownerid</c>), it must be the caller.
    /// </summary>
    public UserId Caller(HttpContext http, RequestFields fields, string? userField = "userid")
    {
        var caller = http.Items.TryGetValue(CallerItem, out var checkedCaller) && checkedCaller is UserId id ? id : throw new FieldError(NotLoggedIn);
        if (userField is null) return caller;
        var claimed = fields.OptionalId(userField);
        if (claimed is not null && claimed.Value != caller.Value) throw new FieldError($"{userField} {claimed} is not the logged-in user");
        return caller;
    }

    public Task<object> AskUsers(object command) => topology.Users.Ask<object>(command, AskTimeout);

    public Task<object> AskRooms(object command) => topology.Rooms.Ask<object>(command, AskTimeout);

    public Task<object> AskAccounts(object command) => topology.Accounts.Ask<object>(command, AskTimeout);

    /// <summary>The token the request carries, if any: the <c>Authorization: Bearer</c> header, the cookie, or a <c>token</c> field.</summary>
    private static string? RequestToken(HttpContext http, RequestFields fields) =>
        BearerToken(http) ?? http.Request.Cookies[SessionCookie] ?? fields.Optional("token", 256);

    /// <summary>
    /// Checks the request's token against the user's current session (no database read while the user entity is active)
    /// before any handler runs, so <see cref="Caller"/> can stay synchronous.
    /// </summary>
    private async Task AuthenticateAsync(HttpContext http, RequestFields fields)
    {
        if (RequestToken(http, fields) is { Length: > 0 } token && await sessions.AuthenticateAsync(token, AuthRateLimits.ClientAddress(http)) is { } user) http.Items[CallerItem] = user;
    }

    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
