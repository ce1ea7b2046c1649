namespace AkkaChat.Core.Accounts;

using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Accounts.AccountCommands;
using static AkkaChat.Core.Accounts.AccountEvents;
using static AkkaChat.Core.Accounts.AccountReplies;

/// <summary>
/// The owner of one mobile number, so a mobile is unique cluster-wide: registration claims it here
/// (with a fresh user id and the password hash), then creates the user entity. Until that entity
/// confirms, commands wait; a crash in between is resumed on recovery.
/// </summary>
public sealed class AccountEntity : ChatEntity
{
    private static readonly TimeSpan ProvisionRetry = TimeSpan.FromSeconds(2);

    private readonly string _mobile;
    private readonly IChatTopology _topology;
    private readonly ChatSettings _settings;
    private readonly List<IActorRef> _registrants = [];
    private AccountState _state = AccountState.Empty;

    public AccountEntity(string mobile, IChatTopology topology, ChatSettings settings)
        : base(settings.EntityIdleTimeout)
    {
        _mobile = mobile;
        _topology = topology;
        _settings = settings;
        PersistenceId = "account-" + mobile;

        Recover<IChatEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.NeedsProvisioning) BecomeProvisioning();
            else Become(Ready);
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(string mobile, IChatTopology topology, ChatSettings settings) =>
        Akka.Actor.Props.Create(() => new AccountEntity(mobile, topology, settings));

    private void Ready()
    {
        Command<RegisterAccount>(cmd =>
        {
            if (_state.IsTaken)
            {
                Sender.Tell(new AccountRefused($"mobile {_mobile} is already registered"));
                return;
            }
            _registrants.Add(Sender);
            var profile = cmd.Profile;
            var hash = cmd.PasswordHash;
            _topology.UserIds.Ask<IdLeased>(NextId.Instance, TimeSpan.FromSeconds(10))
                .PipeTo(Self, success: leased => new UserIdReady(new UserId(leased.Id), hash, profile), failure: _ => UserIdFailed.Instance);
            BecomeStacked(AwaitingUserId);
        });
        Command<GetCredentials>(_ => Sender.Tell(_state.UserId is { } id ? new Credentials(id, _state.PasswordHash) : new AccountNotFound(_mobile)));
        Command<ReplacePasswordHash>(HandleReplacePasswordHash);
        CommandAny(HandleIdle);
    }

    private void HandleReplacePasswordHash(ReplacePasswordHash cmd)
    {
        if (!_state.IsTaken)
        {
            Sender.Tell(new AccountNotFound(_mobile));
            return;
        }
        if (_state.PasswordHash != cmd.ExpectedHash)
        {
            Sender.Tell(new AccountRefused("the password was changed meanwhile"));
            return;
        }
        var replyTo = Sender;
        Persist(new PasswordHashReplaced(cmd.NewHash), e =>
        {
            _state = _state.Apply(e);
            replyTo.Tell(new PasswordHashStored(_mobile));
        });
    }

    private void AwaitingUserId()
    {
        Command<UserIdReady>(ready =>
        {
            Persist(new AccountCreated(ready.UserId, ready.PasswordHash, ready.Profile, DateTimeOffset.UtcNow), e =>
            {
                _state = _state.Apply(e);
                UnbecomeStacked();
                BecomeProvisioning();
            });
        });
        Command<UserIdFailed>(_ =>
        {
            ReplyRegistrants(new AccountRefused("could not allocate a user id, try again"));
            UnbecomeStacked();
            Stash.UnstashAll();
        });
        CommandAny(_ => Stash.Stash());
    }

    private void BecomeProvisioning()
    {
        Become(Provisioning);
        SendCreateUser();
        Timers.StartPeriodicTimer("provision", RetryProvision.Instance, ProvisionRetry);
    }

    private void Provisioning()
    {
        Command<UserReplies.UserCreatedAck>(ack =>
        {
            if (_state.Provisioned) return;
            Timers.Cancel("provision");
            Persist(new AccountProvisioned(ack.UserId), e =>
            {
                _state = _state.Apply(e);
                ReplyRegistrants(new AccountRegistered(ack.UserId));
                Become(Ready);
                Stash.UnstashAll();
            });
        });
        Command<RetryProvision>(_ => SendCreateUser());
        CommandAny(_ => Stash.Stash());
    }

    private void SendCreateUser() =>
        _topology.Users.Tell(new UserCommands.CreateUser(_state.UserId!.Value, _mobile, _state.Profile!, _state.CreatedAt));

    private void ReplyRegistrants(object reply)
    {
        foreach (var registrant in _registrants) registrant.Tell(reply);
        _registrants.Clear();
    }

    private void HandleIdle(object message)
    {
        if (message is CheckIdle)
        {
            if (IsIdle) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        }
        else Unhandled(message);
    }

    private sealed record UserIdReady(UserId UserId, string PasswordHash, ProfileFields Profile);

    private sealed class UserIdFailed
    {
        public static readonly UserIdFailed Instance = new();
    }

    private sealed class RetryProvision
    {
        public static readonly RetryProvision Instance = new();
    }
}
