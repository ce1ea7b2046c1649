namespace AkkaChat.Core.Accounts;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Accounts.AccountEvents;

/// <summary>One mobile number's account: who owns it and whether their user entity exists yet.</summary>
public sealed record AccountState(UserId? UserId, string PasswordHash, ProfileFields? Profile, DateTimeOffset CreatedAt, bool Provisioned)
{
    public static readonly AccountState Empty = new(null, "", null, default, false);

    public bool IsTaken => UserId is not null;

    /// <summary>Taken, but the user entity has not confirmed it exists (a crash can leave it so; recovery resumes).</summary>
    public bool NeedsProvisioning => IsTaken && !Provisioned;

    public AccountState Apply(IChatEvent e) => e switch
    {
        AccountCreated c => this with { UserId = c.UserId, PasswordHash = c.PasswordHash, Profile = c.Profile, CreatedAt = c.CreatedAt },
        AccountProvisioned => this with { Provisioned = true },
        PasswordHashReplaced r => this with { PasswordHash = r.PasswordHash },
        _ => this,
    };
}
