namespace AkkaChat.Core.Tests.Accounts;

using AkkaChat.Core.Accounts;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using static AkkaChat.Core.Accounts.AccountEvents;

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
}
