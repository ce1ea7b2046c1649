namespace AkkaChat.Core.Accounts;

using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Accounts.AccountCommands;
using static AkkaChat.Core.Accounts.AccountEvents;
using static AkkaChat.Core.Accounts.AccountReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// One mobile number's account: who owns it and whether their user entity exists yet. Pure; answers each command with
/// one <see cref="Decision"/>. Registration is a saga with the user entity: the account is created, then
/// <see cref="CreateUser"/> is outstanding until the user entity confirms; registrants and logins wait until then.
/// </summary>
public sealed record AccountState(UserId? UserId, string PasswordHash, ProfileFields? Profile, DateTimeOffset CreatedAt, bool Provisioned)
    : IEntityState<AccountState>
{
    public static readonly AccountState Empty = new(null, "", null, default, false);

    /// <summary>The mobile number this account is for (the entity's id; never persisted).</summary>
    public string Mobile { get; init; } = "";

    public bool IsTaken => UserId is not null;

    /// <summary>Taken, but the user entity has not confirmed it exists (a crash can leave it so; recovery resumes).</summary>
    public bool NeedsProvisioning => IsTaken && !Provisioned;

    /// <summary>The user entity to create, until it confirms.</summary>
    public IEnumerable<object> Outstanding => NeedsProvisioning ? [new CreateUser(UserId!.Value, Mobile, Profile!, CreatedAt)] : [];

    /// <summary>Refused if the mobile is taken; otherwise nothing yet: the entity leases a user id first (then <see cref="Decide(RegisterAccount, Ids.UserId, DateTimeOffset)"/>).</summary>
    public Decision Decide(RegisterAccount cmd) => IsTaken ? AlreadyRegistered() : Decision.Ignore;

    /// <summary>
    /// With a fresh user id: the mobile is claimed and the user entity created; the registrant waits for it. A registration
    /// that raced another one for the same mobile is refused here.
    /// </summary>
    public Decision Decide(RegisterAccount cmd, UserId leased, DateTimeOffset now) => IsTaken
        ? AlreadyRegistered()
        : Decision.Store(new AccountCreated(leased, cmd.PasswordHash, cmd.Profile, now))
            .Await(Registration.Instance)
            .Send(new CreateUser(leased, Mobile, cmd.Profile, now));

    /// <summary>No user id could be leased: the registrant may try again.</summary>
    public static Decision IdLeaseFailed => Decision.Refuse(RefusalCodes.Busy, "could not allocate a user id, try again");

    /// <summary>The user entity exists: the account is complete, and registrants and logins that waited are answered.</summary>
    public Decision Decide(UserCreatedAck ack)
    {
        if (!NeedsProvisioning || ack.UserId != UserId) return Decision.Ignore;
        return Decision.Store(new AccountProvisioned(ack.UserId))
            .Answer(Registration.Instance, new AccountRegistered(ack.UserId))
            .Answer(Login.Instance, new Credentials(ack.UserId, PasswordHash));
    }

    /// <summary>A login: the owner and hash; while the user entity is being created, the login waits for it.</summary>
    public Decision Decide(GetCredentials cmd)
    {
        if (UserId is not { } id) return NotFound();
        return NeedsProvisioning ? Decision.Ignore.Await(Login.Instance) : Decision.Reply(new Credentials(id, PasswordHash));
    }

    public Decision Decide(ReplacePasswordHash cmd)
    {
        if (!IsTaken) return NotFound();
        if (PasswordHash != cmd.ExpectedHash) return Decision.Refuse(RefusalCodes.Conflict, "the password was changed meanwhile");
        return Decision.Store(new PasswordHashReplaced(cmd.NewHash), new PasswordHashStored(Mobile));
    }

    public AccountState Apply(IChatEvent e) => e switch
    {
        AccountCreated c => this with { UserId = c.UserId, PasswordHash = c.PasswordHash, Profile = c.Profile, CreatedAt = c.CreatedAt },
        AccountProvisioned => this with { Provisioned = true },
        PasswordHashReplaced r => this with { PasswordHash = r.PasswordHash },
        _ => this,
    };

    /// <summary>Accounts do not snapshot: three events at most, and a password change now and then.</summary>
    public IChatEvent? ToSnapshot() => null;

    private Decision AlreadyRegistered() => Decision.Refuse(RefusalCodes.Taken, $"mobile {Mobile} is already registered");

    private Decision NotFound() => Decision.Refuse(RefusalCodes.NotFound, $"mobile {Mobile} is not registered");

    /// <summary>Who waits for the registration to complete.</summary>
    private sealed class Registration
    {
        public static readonly Registration Instance = new();
    }

    /// <summary>Who waits for credentials until the registration completes.</summary>
    private sealed class Login
    {
        public static readonly Login Instance = new();
    }
}
