namespace AkkaChat.Core.Accounts;

using Akka.Actor;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Accounts.AccountCommands;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// The owner of one mobile number, so a mobile is unique cluster-wide: registration claims it here (with a fresh user
/// id and the password hash), then creates the user entity. <see cref="AccountState"/> decides; until the user entity
/// confirms, the registrant and logins wait and the creation is re-sent, also after a crash.
/// </summary>
public sealed class AccountEntity : ChatEntity<AccountState>, IWithUnboundedStash
{
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(10);

    private bool _leasing;

    public AccountEntity(string mobile, IChatTopology topology, ChatSettings settings)
        : base("account-" + mobile, AccountState.Empty with { Mobile = mobile }, topology, settings)
    {
        Command<RegisterAccount>(HandleRegister);
        Command<UserIdLeased>(leased => LeaseEnded(State.Decide(leased.Registration, leased.UserId, DateTimeOffset.UtcNow), leased.ReplyTo));
        Command<UserIdFailed>(failed => LeaseEnded(AccountState.IdLeaseFailed, failed.ReplyTo));
        Command<UserCreatedAck>(ack => Execute(State.Decide(ack), Sender));
        Command<GetCredentials>(cmd => Execute(State.Decide(cmd), Sender));
        Command<ReplacePasswordHash>(cmd => Execute(State.Decide(cmd), Sender));
    }

    public static Props Props(string mobile, IChatTopology topology, ChatSettings settings) =>
        Akka.Actor.Props.Create(() => new AccountEntity(mobile, topology, settings));

    /// <summary>
    /// Registrants and logins waiting for the user entity to confirm its creation are answered before the account
    /// stops at a hand-off; they wait on an entity of another kind, whose shard a hand-off of this one never holds up.
    /// </summary>
    protected override bool FinishesBeforeStop => HasWaiters;

    /// <summary>A stop waits behind the registrations stashed during a lease, like any command.</summary>
    protected override void OnStopInOrder()
    {
        if (_leasing) Stash.Stash();
        else base.OnStopInOrder();
    }

    /// <summary>
    /// A free mobile needs a user id first, leased off the entity; the claim is decided once it is here. One lease at a
    /// time, so of two registrations at once the first wins and the second is refused.
    /// </summary>
    private void HandleRegister(RegisterAccount cmd)
    {
        var decision = State.Decide(cmd);
        if (decision.IsRefusal)
        {
            Execute(decision, Sender);
            return;
        }
        if (_leasing)
        {
            Stash.Stash();
            return;
        }
        _leasing = true;
        var replyTo = Sender;
        Topology.UserIds.Ask<IdLeased>(NextId.Instance, LeaseTimeout)
            .PipeTo(Self, success: leased => new UserIdLeased(cmd, new UserId(leased.Id), replyTo), failure: _ => new UserIdFailed(replyTo));
    }

    private void LeaseEnded(Decision decision, IActorRef registrant)
    {
        Execute(decision, registrant);
        _leasing = false;
        UnstashAll();
    }

    private sealed record UserIdLeased(RegisterAccount Registration, UserId UserId, IActorRef ReplyTo);

    private sealed record UserIdFailed(IActorRef ReplyTo);
}
