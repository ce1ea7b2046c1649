namespace AkkaChat.Core.Users;

using AkkaChat.Core.Ids;

/// <summary>
/// A user's login sessions. A token carries the account's stamp (its creation time) and the session generation it
/// was issued in; it is accepted only while both match the user entity, so revoking bumps the generation and a token
/// of a user that no longer exists (or of an earlier account with the same id) never matches.
/// </summary>
public static class SessionCommands
{
    /// <summary>What a token must carry to be accepted now: answered with <see cref="SessionReplies.CurrentSession"/> or <see cref="UserReplies.UserNotFound"/>.</summary>
    public sealed record GetSession(UserId UserId) : IWithUserId;

    /// <summary>Ends every session of the user (logout, password change); open sockets are closed. Answered once stored.</summary>
    public sealed record RevokeSessions(UserId UserId) : IWithUserId;
}

public static class SessionEvents
{
    /// <summary>Tokens issued in an earlier generation than <paramref name="Generation"/> are refused from now on.</summary>
    public sealed record SessionsRevoked(long Generation) : IChatEvent;
}

public static class SessionReplies
{
    /// <summary>The binding a token needs: <paramref name="Stamp"/> is the account's creation time (Unix ms).</summary>
    public sealed record CurrentSession(UserId UserId, string Mobile, long Stamp, long Generation);
}

public static partial class ConnectionPushes
{
    /// <summary>The user's sessions were revoked: the socket closes (1008), its token no longer opens one.</summary>
    public sealed record SessionRevoked
    {
        public static readonly SessionRevoked Instance = new();
    }
}
