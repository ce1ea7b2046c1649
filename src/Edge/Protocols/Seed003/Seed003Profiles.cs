namespace AkkaChat.Edge.Protocols.Seed003;

using System.Collections.Concurrent;
using Akka.Actor;
using AkkaChat.Core;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;

/// <summary>
/// Senders' names and avatars for seed-003 items (<c>sender_name</c>, <c>sender_avatar</c>), shared by the node's seed-003
/// connections: a push does not ask the sender's entity every time. Bounded (it starts over past
/// <see cref="MaxCachedUsers"/>) and kept for <see cref="TrustFor"/>, so a changed nickname shows within that bound.
/// </summary>
public sealed class Seed003Profiles(IChatTopology topology)
{
    public const int MaxCachedUsers = 10_000;
    public static readonly TimeSpan TrustFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, (PublicProfile? Profile, long AtMs)> _profiles = new();

    /// <summary>The cached profile of <paramref name="user"/> (null inside: the user has none), or false when it must be loaded.</summary>
    public bool TryGet(UserId user, out PublicProfile? profile)
    {
        if (_profiles.TryGetValue(user.Value, out var cached) && Environment.TickCount64 - cached.AtMs < (long)TrustFor.TotalMilliseconds)
        {
            profile = cached.Profile;
            return true;
        }
        profile = null;
        return false;
    }

    /// <summary>The profile from the cache or the user's entity; null when the user does not exist or did not answer in time (not cached then).</summary>
    public async Task<PublicProfile?> GetAsync(UserId user)
    {
        if (TryGet(user, out var cached)) return cached;
        object reply;
        try
        {
            reply = await topology.Users.Ask<object>(new UserCommands.GetProfile(user), AskTimeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
        var profile = (reply as UserReplies.ProfileReply)?.Profile;
        if (_profiles.Count >= MaxCachedUsers) _profiles.Clear();
        _profiles[user.Value] = (profile, Environment.TickCount64);
        return profile;
    }
}
