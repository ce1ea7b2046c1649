namespace AkkaChat.Edge.Auth;

using System.Collections.Concurrent;
using Akka.Actor;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;

/// <summary>
/// Accepts a token only while it matches its user's current session (account stamp and generation), which the
/// sharded user entity holds in memory. A match is trusted on this node for <c>auth.session-check-cache</c>; a
/// revocation made through this node holds here at once, one made through another node within that bound.
/// </summary>
public sealed class SessionGate(TokenService tokens, IChatTopology topology, TimeSpan trustFor, ILogger<SessionGate>? log = null)
{
    /// <summary>Bounds the node-local cache: past it, the cache starts over (costing one entity ask per active user).</summary>
    public const int MaxCachedUsers = 100_000;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, Checked> _checked = new();
    private readonly long _trustForMs = (long)trustFor.TotalMilliseconds;

    /// <summary>
    /// The user a token speaks for, or null when it is malformed, forged, expired, revoked or of no existing account; a
    /// refusal is logged with its reason and the caller's address <paramref name="from"/>, never the token.
    /// </summary>
    public async Task<UserId?> AuthenticateAsync(string? token, string? from = null)
    {
        if (tokens.Validate(token) is not { } claims)
        {
            if (!string.IsNullOrEmpty(token)) log?.LogInformation("Refused a token from {Address}: malformed, forged or expired", from ?? "unknown");
            return null;
        }
        if (_checked.TryGetValue(claims.User.Value, out var seen) && Environment.TickCount64 - seen.AtMs < _trustForMs && seen.Matches(claims))
            return claims.User;
        var current = await CurrentAsync(claims.User);
        if (current is not null && current.Stamp == claims.Stamp && current.Generation == claims.Generation) return claims.User;
        log?.LogInformation("Refused a token of user {User} from {Address}: {Reason}", claims.User.Value, from ?? "unknown",
            current is null ? "no such user" : "the session has ended (logout or password change)");
        return null;
    }

    /// <summary>The user's current session from their entity, or null when no such user exists.</summary>
    public async Task<SessionReplies.CurrentSession?> CurrentAsync(UserId user)
    {
        if (await topology.Users.Ask<object>(new SessionCommands.GetSession(user), AskTimeout) is SessionReplies.CurrentSession current)
        {
            Remember(current);
            return current;
        }
        _checked.TryRemove(user.Value, out _);
        return null;
    }

    /// <summary>Ends every session of <paramref name="user"/>; the answer is the new session, for a token to go on with.</summary>
    public async Task<SessionReplies.CurrentSession?> RevokeAsync(UserId user)
    {
        if (await topology.Users.Ask<object>(new SessionCommands.RevokeSessions(user), AskTimeout) is not SessionReplies.CurrentSession current)
            return null;
        Remember(current);
        return current;
    }

    public static TokenClaims Claims(SessionReplies.CurrentSession current) => new(current.UserId, current.Stamp, current.Generation);

    /// <summary>Never moves a user's cached generation back: an answer overtaken by a revocation must not revive old tokens.</summary>
    private void Remember(SessionReplies.CurrentSession current)
    {
        if (_trustForMs <= 0) return;
        if (_checked.Count >= MaxCachedUsers) _checked.Clear();
        var fresh = new Checked(current.Stamp, current.Generation, Environment.TickCount64);
        _checked.AddOrUpdate(current.UserId.Value, fresh, (_, old) => old.Stamp == fresh.Stamp && old.Generation > fresh.Generation ? old : fresh);
    }

    private sealed record Checked(long Stamp, long Generation, long AtMs)
    {
        public bool Matches(TokenClaims claims) => Stamp == claims.Stamp && Generation == claims.Generation;
    }
}
