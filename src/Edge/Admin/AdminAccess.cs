namespace AkkaChat.Edge.Admin;

using System.Net;
using AkkaChat.Edge.Hosting;

/// <summary>
/// Who may use <c>/admin</c>: callers on the node's own machine (any caller with <c>AKKACHAT_ADMIN_REMOTE=true</c>) that
/// present the admin token as <c>Authorization: Bearer</c>. A remote caller is refused before its token is looked at.
/// </summary>
public static class AdminAccess
{
    public static AdminVerdict Judge(IPAddress? caller, string? authorization, AdminToken token, bool allowRemote)
    {
        if (!allowRemote && !LocalCaller.Is(caller)) return AdminVerdict.NotLocal;
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return AdminVerdict.NoToken;
        return token.Matches(authorization[scheme.Length..].Trim()) ? AdminVerdict.Allowed : AdminVerdict.WrongToken;
    }
}

public enum AdminVerdict
{
    Allowed,

    /// <summary>403: the caller is not on the node's machine and remote admin is off.</summary>
    NotLocal,

    /// <summary>401: no <c>Authorization: Bearer</c> header.</summary>
    NoToken,

    /// <summary>401: a token that is not the admin token.</summary>
    WrongToken,
}
