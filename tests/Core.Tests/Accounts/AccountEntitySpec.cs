namespace AkkaChat.Core.Tests.Accounts;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Accounts.AccountCommands;
using static AkkaChat.Core.Accounts.AccountReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

public sealed class AccountEntitySpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void Registering_a_mobile_grants_a_user_id_and_creates_the_user()
    {
        var chat = StartChat();

        var registered = Query<AccountRegistered>(chat.Accounts, new RegisterAccount("13800000001", "hash-1", Samples.Profile("alice")));

        Assert.True(registered.UserId.Value >= IdKinds.FirstId(IdKinds.User), $"user id {registered.UserId} is below the first user id");
        Assert.Equal(new Credentials(registered.UserId, "hash-1"), Query<Credentials>(chat.Accounts, new GetCredentials("13800000001")));
        var profile = Query<ProfileReply>(chat.Users, new GetProfile(registered.UserId)).Profile;
        Assert.Equal(registered.UserId, profile.Id);
        Assert.Equal("alice", profile.Nickname);
        Assert.Equal("alice.png", profile.Avatar);
    }

    [Fact]
    public void A_mobile_can_be_registered_only_once()
    {
        var chat = StartChat();
        var first = Query<AccountRegistered>(chat.Accounts, new RegisterAccount("13800000001", "hash-1", Samples.Profile("alice")));

        Assert.Equal(new Refused(RefusalCodes.Taken, "mobile 13800000001 is already registered"), Query<Refused>(chat.Accounts, new RegisterAccount("13800000001", "hash-2", Samples.Profile("mallory"))));

        Assert.Equal(new Credentials(first.UserId, "hash-1"), Query<Credentials>(chat.Accounts, new GetCredentials("13800000001")));
        Assert.Equal("alice", Query<ProfileReply>(chat.Users, new GetProfile(first.UserId)).Profile.Nickname);
    }

    [Fact]
    public void Two_registrations_of_one_mobile_at_the_same_time_give_one_account()
    {
        var chat = StartChat();
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        chat.Accounts.Tell(new RegisterAccount("13800000001", "hash-1", Samples.Profile("alice")), first.Ref);
        chat.Accounts.Tell(new RegisterAccount("13800000001", "hash-2", Samples.Profile("mallory")), second.Ref);

        var registered = first.ExpectMsg<AccountRegistered>(Timeout);
        Assert.Equal("mobile 13800000001 is already registered", second.ExpectMsg<Refused>(Timeout).Reason);
        Assert.Equal(new Credentials(registered.UserId, "hash-1"), Query<Credentials>(chat.Accounts, new GetCredentials("13800000001")));
    }

    [Fact]
    public void An_account_stopped_while_it_leases_an_id_answers_the_registrations_waiting_first()
    {
        var gate = CreateTestProbe("user-ids-gate");
        var chat = StartChat(userIdsSeenByEntities: gate.Ref);
        HoldOnly<NextId>(gate, chat.UserIds);
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var stopped = CreateTestProbe();

        // The first registration waits for its user id; the second and the shard's stop wait behind it, in that order.
        chat.Accounts.Tell(new RegisterAccount("13800000001", "hash-1", Samples.Profile("alice")), first.Ref);
        var lease = gate.ExpectMsg<NextId>(Timeout);
        var leaseAsker = gate.LastSender;
        chat.Accounts.Tell(new RegisterAccount("13800000001", "hash-2", Samples.Profile("mallory")), second.Ref);
        chat.Accounts.Tell(new StopEntity("13800000001", InOrder: true), stopped.Ref);
        chat.UserIds.Tell(lease, leaseAsker);

        var registered = first.ExpectMsg<AccountRegistered>(Timeout);
        Assert.Equal("mobile 13800000001 is already registered", second.ExpectMsg<Refused>(Timeout).Reason);
        stopped.ExpectMsg<EntityStopped>(Timeout);
        Assert.Equal(new Credentials(registered.UserId, "hash-1"), Query<Credentials>(chat.Accounts, new GetCredentials("13800000001")));
    }

    [Fact]
    public void Different_mobiles_get_different_user_ids()
    {
        var chat = StartChat();

        var ids = Enumerable.Range(1, 4).Select(i => Register(chat, $"1380000000{i}", "user" + i)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id.Value >= IdKinds.FirstId(IdKinds.User)));
    }

    [Fact]
    public void Credentials_of_an_unregistered_mobile_are_not_found()
    {
        var chat = StartChat();

        Assert.Equal(RefusalCodes.NotFound, Query<Refused>(chat.Accounts, new GetCredentials("13899999999")).Code);
    }

    [Fact]
    public void A_registered_account_survives_a_restart()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");

        StopEntity(chat.Accounts, "13800000001");

        Assert.Equal(new Credentials(alice, "hash-of-alice"), Query<Credentials>(chat.Accounts, new GetCredentials("13800000001")));
        Assert.Equal(new Refused(RefusalCodes.Taken, "mobile 13800000001 is already registered"), Query<Refused>(chat.Accounts, new RegisterAccount("13800000001", "hash-2", Samples.Profile("mallory"))));
    }

    [Fact]
    public void An_account_whose_user_entity_never_confirmed_resends_the_creation_and_logins_wait_for_it_even_after_a_restart()
    {
        var gate = CreateTestProbe();
        var chat = StartChat(usersSeenByEntities: gate.Ref);
        HoldOnly<CreateUser>(gate, chat.Users);
        var registrant = CreateTestProbe();

        chat.Accounts.Tell(new RegisterAccount("13800000001", "hash-1", Samples.Profile("alice")), registrant.Ref);
        var create = gate.ExpectMsg<CreateUser>(Timeout);
        Assert.Equal(create, gate.ExpectMsg<CreateUser>(Timeout)); // the retry tick: the user entity never answered
        registrant.ExpectNoMsg(TimeSpan.Zero);

        StopEntity(chat.Accounts, "13800000001");
        var login = CreateTestProbe();
        chat.Accounts.Tell(new GetCredentials("13800000001"), login.Ref);

        var resent = gate.ExpectMsg<CreateUser>(Timeout); // sent again after recovery (its time as read back from the journal)
        Assert.Equal((create.UserId, create.Mobile, create.Profile), (resent.UserId, resent.Mobile, resent.Profile));
        login.ExpectNoMsg(Quiet);
        chat.Users.Tell(resent, gate.LastSender);
        Assert.Equal(new Credentials(create.UserId, "hash-1"), login.ExpectMsg<Credentials>(Timeout));
        Assert.Equal("alice", Query<ProfileReply>(chat.Users, new GetProfile(create.UserId)).Profile.Nickname);
    }
}
