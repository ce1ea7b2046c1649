namespace AkkaChat.Core.Users;

using AkkaChat.Core.Ids;

/// <summary>An operator's look at one user entity (akkachat-ctl <c>user show</c>): what the entity already knows, nothing stored.</summary>
public static class InspectionCommands
{
    public sealed record InspectUser(UserId UserId) : IWithUserId;
}

public static class InspectionReplies
{
    /// <summary>
    /// <paramref name="InboxHead"/> is the last 1:1 inbox sequence number, <paramref name="DeliveredThrough"/> the last one a
    /// seed-000 socket wrote, <paramref name="JournalSequence"/> the entity's last journal sequence number, <paramref name="Sockets"/>
    /// the sockets registered with it on every node.
    /// </summary>
    public sealed record UserInspected(UserId UserId, bool Exists, long InboxHead, long DeliveredThrough, long JournalSequence, int Sockets, int Rooms, int Friends);
}
