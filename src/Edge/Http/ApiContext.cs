namespace AkkaChat.Edge.Http;

using Akka.Actor;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Hosting;

/// <summary>What every API handler needs: the topology to ask entities, the token service, and options.</summary>
public sealed class ApiContext(IChatTopology topology, TokenService tokens, ChatOptions options)
{
    public const string SessionCookie = "akkachat_token";
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public IChatTopology Topology => topology;
    public TokenService Tokens => tokens;
    public ChatOptions Options => options;

    /// <summary>Runs a handler with the request's fields; refusals and timeouts become <c>code:-1</c> replies.</summary>
    public static async Task<IResult> Handle(HttpContext http, Func<RequestFields, Task<IResult>> handler)
    {
        try
        {
            return await handler(await RequestFields.ReadAsync(http.Request));
        }
        catch (FieldError e)
        {
            return ApiReply.Fail(e.Message);
        }
        catch (AskTimeoutException)
        {
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
    /// The authenticated caller (cookie, <c>Authorization: Bearer</c>, or a <c>token</c> field). When the request names
    /// a <paramref name="userField"/> (the seed's <c>userid</c>/<c>ownerid</c>), it must be the caller.
    /// </summary>
    public UserId Caller(HttpContext http, RequestFields fields, string? userField = "userid")
    {
        var token = BearerToken(http) ?? http.Request.Cookies[SessionCookie] ?? fields.Optional("token", 256);
        var caller = tokens.Validate(token) ?? throw new FieldError("please log in: the session is missing, invalid or expired");
        if (userField is null) return caller;
        var claimed = fields.OptionalId(userField);
        if (claimed is not null && claimed.Value != caller.Value) throw new FieldError($"{userField} {claimed} is not the logged-in user");
        return caller;
    }

    public Task<object> AskUsers(object command) => topology.Users.Ask<object>(command, AskTimeout);

    public Task<object> AskRooms(object command) => topology.Rooms.Ask<object>(command, AskTimeout);

    public Task<object> AskAccounts(object command) => topology.Accounts.Ask<object>(command, AskTimeout);

    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
