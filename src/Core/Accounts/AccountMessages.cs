namespace AkkaChat.Core.Accounts;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static class AccountCommands
{
    /// <summary>Claim <paramref name="Mobile"/> for a new user. The hash is computed by the caller, off the actor.</summary>
    public sealed record RegisterAccount(string Mobile, string PasswordHash, ProfileFields Profile) : IWithMobile;

    /// <summary>Look up who owns <paramref name="Mobile"/> and their password hash, to check a login.</summary>
    public sealed record GetCredentials(string Mobile) : IWithMobile;

    /// <summary>
    /// Store <paramref name="NewHash"/> (a password change, or a rehash with more iterations) if the stored hash is still
    /// <paramref name="ExpectedHash"/>, so a rehash racing a password change never brings the old password back.
    /// </summary>
    public sealed record ReplacePasswordHash(string Mobile, string ExpectedHash, string NewHash) : IWithMobile;
}

public static class AccountEvents
{
    /// <summary>The mobile is taken by <paramref name="UserId"/>; the user entity is created next.</summary>
    public sealed record AccountCreated(UserId UserId, string PasswordHash, ProfileFields Profile, DateTimeOffset CreatedAt) : IChatEvent;

    /// <summary>The user entity confirmed it exists; the account can log in.</summary>
    public sealed record AccountProvisioned(UserId UserId) : IChatEvent;

    /// <summary>The password (or only its hashing parameters) changed.</summary>
    public sealed record PasswordHashReplaced(string PasswordHash) : IChatEvent;
}

public static class AccountReplies
{
    public sealed record AccountRegistered(UserId UserId);

    public sealed record Credentials(UserId UserId, string PasswordHash);

    public sealed record PasswordHashStored(string Mobile);
}
