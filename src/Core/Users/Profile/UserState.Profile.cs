namespace AkkaChat.Core.Users;

using AkkaChat.Core.Chat;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>Profile: creating the user, reading the profile, and the session generation tokens are checked against.</summary>
public sealed partial record UserState
{
    public string Mobile { get => _settled.Mobile; init => _settled = _settled with { Mobile = value }; }
    public ProfileFields Profile { get => _settled.Profile; init => _settled = _settled with { Profile = value }; }
    public DateTimeOffset CreatedAt { get => _settled.CreatedAt; init => _settled = _settled with { CreatedAt = value }; }

    /// <summary>Tokens issued before the last revocation carry a lower generation and are refused.</summary>
    public long SessionGeneration { get => _settled.SessionGeneration; init => _settled = _settled with { SessionGeneration = value }; }

    private sealed partial record Settled
    {
        public string Mobile { get; init; } = "";
        public ProfileFields Profile { get; init; } = new("", "", "", "");
        public DateTimeOffset CreatedAt { get; init; }
        public long SessionGeneration { get; init; }
    }

    /// <summary>Tells this account's tokens from those of an earlier account with the same id (after a data reset): its creation time.</summary>
    public long SessionStamp => CreatedAt.ToUnixTimeMilliseconds();

    public PublicProfile PublicProfile => new(Id, Profile.Nickname, Profile.Avatar, Profile.Sex, Profile.Memo, CreatedAt);

    /// <summary>Idempotent: a user created already is acknowledged again.</summary>
    public Decision Decide(CreateUser cmd) => Exists
        ? Decision.Reply(new UserCreatedAck(Id))
        : Decision.Store(new UserCreated(cmd.UserId, cmd.Mobile, cmd.Profile, cmd.CreatedAt), new UserCreatedAck(cmd.UserId));

    public Decision Decide(GetProfile _) => Exists ? Decision.Reply(new ProfileReply(PublicProfile)) : NotFound();

    public Decision Decide(SessionCommands.GetSession _) => Exists ? Decision.Reply(CurrentSession(SessionGeneration)) : NotFound();

    /// <summary>Bumps the generation; the asker gets the session binding as it is once stored.</summary>
    public Decision Decide(SessionCommands.RevokeSessions _) => Exists
        ? Decision.Store(new SessionEvents.SessionsRevoked(SessionGeneration + 1), CurrentSession(SessionGeneration + 1))
        : NotFound();

    private SessionReplies.CurrentSession CurrentSession(long generation) => new(Id, Mobile, SessionStamp, generation);
}
