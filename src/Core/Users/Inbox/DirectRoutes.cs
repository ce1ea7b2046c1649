namespace AkkaChat.Core.Users;

using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using AkkaChat.Core.Ids;

/// <summary>
/// The recipients' entities a user's cid sends are told directly, past the shard region (which costs a region and a
/// shard mailbox on the recipient's node per message). An entity becomes a recipient's route when it answers a copy
/// sent through the region and no other copy to that recipient is still on its way there, so a copy told directly
/// never overtakes one that went the long way. The entity watches each route (<see cref="Forget"/> on its
/// <see cref="Terminated"/>); a copy lost to an entity that stopped meanwhile is sent again through the region, and the
/// recipient's (sender, cid) window stores it once.
/// </summary>
/// <remarks>At most <see cref="Capacity"/> routes per user; recipients beyond them go through the region.</remarks>
public sealed class DirectRoutes
{
    public const int Capacity = 64;

    private readonly Dictionary<UserId, Route> _routes = [];
    private int _known;

    /// <summary>The recipient's entity, if a copy can go to it directly now.</summary>
    public bool TryGet(UserId recipient, [NotNullWhen(true)] out IActorRef? entity)
    {
        entity = _routes.TryGetValue(recipient, out var route) && route.ViaRegion == 0 ? route.Entity : null;
        return entity is not null;
    }

    /// <summary>A copy to <paramref name="recipient"/> went through the region; no route is learned until it is answered.</summary>
    public void SentViaRegion(UserId recipient)
    {
        if (!_routes.TryGetValue(recipient, out var route)) _routes[recipient] = route = new Route();
        route.ViaRegion++;
    }

    /// <summary>
    /// A copy sent through the region was answered by <paramref name="answeredBy"/> (null: refused or timed out). True when
    /// that entity has just become the recipient's route: the caller watches it.
    /// </summary>
    public bool AnsweredViaRegion(UserId recipient, IActorRef? answeredBy)
    {
        if (!_routes.TryGetValue(recipient, out var route)) return false;
        if (--route.ViaRegion > 0) return false;
        if (route.Entity is null && answeredBy is not null && _known < Capacity)
        {
            route.Entity = answeredBy;
            _known++;
            return true;
        }
        if (route.Entity is null) _routes.Remove(recipient);
        return false;
    }

    /// <summary>A watched route stopped: whose it was, so the copies told to it can be sent again through the region.</summary>
    public UserId? Forget(IActorRef entity)
    {
        foreach (var (recipient, route) in _routes)
        {
            if (!entity.Equals(route.Entity)) continue;
            Drop(recipient, route);
            return recipient;
        }
        return null;
    }

    /// <summary>The recipient's route is no longer trusted (a copy told to it went unanswered): the entity to unwatch, if any.</summary>
    public IActorRef? Forget(UserId recipient)
    {
        if (!_routes.TryGetValue(recipient, out var route) || route.Entity is not { } entity) return null;
        Drop(recipient, route);
        return entity;
    }

    private void Drop(UserId recipient, Route route)
    {
        route.Entity = null;
        _known--;
        if (route.ViaRegion == 0) _routes.Remove(recipient);
    }

    private sealed class Route
    {
        public IActorRef? Entity { get; set; }

        public int ViaRegion { get; set; }
    }
}
