namespace AkkaChat.Core.Tests.Accounts;

using AkkaChat.Core.Accounts;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using static AkkaChat.Core.Accounts.AccountCommands;
using static AkkaChat.Core.Accounts.AccountEvents;
using static AkkaChat.Core.Accounts.AccountReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

public sealed class AccountStateSpec
{
    private static readonly UserId Alice = new(10_000);

    [Fact]
    public void An_unclaimed_mobile_is_not_taken_and_needs_nothing()
    {
        Assert.False(AccountState.Empty.IsTaken);
        Assert.False(AccountState.Empty.NeedsProvisioning);
        Assert.Null(AccountState.Empty.UserId);
    }

    [Fact]
    public void AccountCreated_takes_the_mobile_and_waits_for_the_user_entity()
    {
        var state = AccountState.Empty.Apply(new AccountCreated(Alice, "hash", Samples.Profile("alice"), Samples.At));

        Assert.True(state.IsTaken);
        Assert.True(state.NeedsProvisioning);
        Assert.Equal(new AccountState(Alice, "hash", Samples.Profile("alice"), Samples.At, Provisioned: false), state);
    }

    [Fact]
    public void AccountProvisioned_completes_the_registration()
    {
        var state = AccountState.Empty
            .Apply(new AccountCreated(Alice, "hash", Samples.Profile("alice"), Samples.At))
            .Apply(new AccountProvisioned(Alice));

        Assert.True(state.IsTaken);
        Assert.True(state.Provisioned);
        Assert.False(state.NeedsProvisioning);
        Assert.Equal("hash", state.PasswordHash);
    }

    [Fact]
    public void An_event_of_another_entity_leaves_the_state_unchanged()
    {
        var state = AccountState.Empty.Apply(new AccountCreated(Alice, "hash", Samples.Profile("alice"), Samples.At));

        Assert.Same(state, state.Apply(new AkkaChat.Core.Users.UserEvents.FriendAdded(new UserId(10_001))));
    }

    [Fact]
    public void A_registration_claims_the_mobile_waits_and_creates_the_user_until_confirmed()
    {
        var free = AccountState.Empty with { Mobile = "13800000001" };
        var register = new RegisterAccount("13800000001", "hash", Samples.Profile("alice"));

        Assert.False(free.Decide(register).IsRefusal);
        var claim = free.Decide(register, Alice, Samples.At);
        Assert.Equal(new AccountCreated(Alice, "hash", Samples.Profile("alice"), Samples.At), Assert.Single(claim.Events));
        Assert.NotNull(claim.AwaitKey);
        var create = new CreateUser(Alice, "13800000001", Samples.Profile("alice"), Samples.At);
        Assert.Equal([create], claim.Sends);

        var created = free.Apply(claim.Events[0]);
        Assert.Equal([create], created.Outstanding);
        Assert.Equal("mobile 13800000001 is already registered", (created.Decide(register, new UserId(10_001), Samples.At).ReplyMessage as Refused)?.Reason);
        Assert.NotNull(created.Decide(new GetCredentials("13800000001")).AwaitKey);

        var confirmed = created.Decide(new UserCreatedAck(Alice));
        Assert.Equal(new AccountProvisioned(Alice), Assert.Single(confirmed.Events));
        Assert.Contains(new KeyValuePair<object, object>(claim.AwaitKey!, new AccountRegistered(Alice)), confirmed.Answers);
        Assert.Contains(new Credentials(Alice, "hash"), confirmed.Answers.Select(a => a.Value));

        var done = created.Apply(confirmed.Events[0]);
        Assert.Empty(done.Outstanding);
        Assert.Same(Decision.Ignore, done.Decide(new UserCreatedAck(Alice)));
        Assert.Equal(new Credentials(Alice, "hash"), done.Decide(new GetCredentials("13800000001")).ReplyMessage);
    }

    [Fact]
    public void A_password_hash_is_replaced_only_over_the_hash_the_caller_read()
    {
        var state = (AccountState.Empty with { Mobile = "13800000001" })
            .Apply(new AccountCreated(Alice, "old", Samples.Profile("alice"), Samples.At))
            .Apply(new AccountProvisioned(Alice));

        Assert.Equal(new PasswordHashReplaced("new"), Assert.Single(state.Decide(new ReplacePasswordHash("13800000001", "old", "new")).Events));
        Assert.Equal(new Refused(RefusalCodes.Conflict, "the password was changed meanwhile"), state.Decide(new ReplacePasswordHash("13800000001", "other", "new")).ReplyMessage);
        Assert.Equal(RefusalCodes.NotFound, (AccountState.Empty.Decide(new ReplacePasswordHash("1", "old", "new")).ReplyMessage as Refused)?.Code);
    }
}
