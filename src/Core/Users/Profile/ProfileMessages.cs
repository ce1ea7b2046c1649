namespace AkkaChat.Core.Users;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static partial class UserCommands
{
    /// <summary>Sent by the account entity that claimed a mobile; idempotent.</summary>
    public sealed record CreateUser(UserId UserId, string Mobile, ProfileFields Profile, DateTimeOffset CreatedAt) : IWithUserId;

    public sealed record GetProfile(UserId UserId) : IWithUserId;
}

public static partial class UserEvents
{
    public sealed record UserCreated(UserId UserId, string Mobile, ProfileFields Profile, DateTimeOffset CreatedAt) : IChatEvent;
}

public static partial class UserReplies
{
    public sealed record UserCreatedAck(UserId UserId);

    public sealed record ProfileReply(PublicProfile Profile);
}
