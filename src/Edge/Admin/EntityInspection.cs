namespace AkkaChat.Edge.Admin;

using Akka.Actor;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>
/// <c>user show</c> and <c>room show</c>: what the entity knows (asked of the entity itself, which starts it if it was
/// not running), where its shard lives, and for a user the sockets open on every node.
/// </summary>
public sealed class EntityInspection(IChatTopology topology, ClusterPlacement placement, ClusterSockets sockets)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Null when no such user exists.</summary>
    public async Task<UserView?> UserAsync(UserId id, CancellationToken cancel)
    {
        var inspected = await topology.Users.Ask<InspectionReplies.UserInspected>(new InspectionCommands.InspectUser(id), AskTimeout, cancel);
        if (!inspected.Exists) return null;
        var location = await placement.LocateAsync(ShardTypes.User, id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), cancel);
        var (open, unanswered) = await sockets.OfUserAsync(id, cancel);
        return new UserView(id.Value, location.Node, location.Shard, inspected.InboxHead, inspected.DeliveredThrough, inspected.JournalSequence,
            inspected.Rooms, inspected.Friends, inspected.Sockets, open, unanswered);
    }

    /// <summary>Null when no such room exists.</summary>
    public async Task<RoomView?> RoomAsync(RoomId id, CancellationToken cancel)
    {
        var answer = await topology.Rooms.Ask<object>(new RoomCommands.GetRoom(id), AskTimeout, cancel);
        if (answer is not RoomReplies.RoomInfo info) return null;
        var location = await placement.LocateAsync(ShardTypes.Room, id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), cancel);
        return new RoomView(id.Value, info.Room.Name, info.Room.OwnerId.Value, location.Node, location.Shard, info.MemberCount, info.Head);
    }
}

/// <summary>
/// A user as its entity sees it: <paramref name="RegisteredSockets"/> counts the sockets registered with the entity,
/// <paramref name="Sockets"/> those the nodes report (<paramref name="Unanswered"/>: nodes that did not answer).
/// </summary>
public sealed record UserView(
    long Id, string? Node, string Shard, long InboxHead, long DeliveredThrough, long JournalSequence,
    int Rooms, int Friends, int RegisteredSockets, IReadOnlyList<SocketView> Sockets, IReadOnlyList<string> Unanswered);

public sealed record RoomView(long Id, string Name, long Owner, string? Node, string Shard, int Members, long Head);
