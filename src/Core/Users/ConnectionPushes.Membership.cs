namespace AkkaChat.Core.Users;

using AkkaChat.Core.Ids;

public static partial class ConnectionPushes
{
    /// <summary>The user left the room or was removed from it: open sockets stop receiving it at once.</summary>
    public sealed record RoomMembershipRemoved(RoomId RoomId);
}
