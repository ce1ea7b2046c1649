namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;

public sealed class DirectRoutesSpec
{
    private static readonly UserId Bob = new(2);
    private static readonly IActorRef BobEntity = new StandInRef("bob");

    [Fact]
    public void A_route_is_learned_from_the_answer_to_the_last_copy_sent_through_the_region()
    {
        var routes = new DirectRoutes();
        routes.SentViaRegion(Bob);
        routes.SentViaRegion(Bob);

        Assert.False(routes.AnsweredViaRegion(Bob, BobEntity));
        Assert.False(routes.TryGet(Bob, out _));
        Assert.True(routes.AnsweredViaRegion(Bob, BobEntity));
        Assert.True(routes.TryGet(Bob, out var entity));
        Assert.Same(BobEntity, entity);
    }

    [Fact]
    public void A_refused_or_expired_copy_teaches_no_route()
    {
        var routes = new DirectRoutes();
        routes.SentViaRegion(Bob);

        Assert.False(routes.AnsweredViaRegion(Bob, null));
        Assert.False(routes.TryGet(Bob, out _));
    }

    [Fact]
    public void A_route_forgotten_by_its_entity_or_by_its_recipient_is_gone_and_can_be_learned_again()
    {
        var routes = new DirectRoutes();
        routes.SentViaRegion(Bob);
        routes.AnsweredViaRegion(Bob, BobEntity);

        Assert.Equal(Bob, routes.Forget(BobEntity));
        Assert.False(routes.TryGet(Bob, out _));
        Assert.Null(routes.Forget(BobEntity));
        routes.SentViaRegion(Bob);
        Assert.True(routes.AnsweredViaRegion(Bob, BobEntity));
        Assert.Same(BobEntity, routes.Forget(Bob));
        Assert.Null(routes.Forget(Bob));
    }

    [Fact]
    public void At_most_capacity_routes_are_kept_and_a_forgotten_one_frees_its_place()
    {
        var routes = new DirectRoutes();
        var entities = Enumerable.Range(1, DirectRoutes.Capacity + 1).Select(i => (User: new UserId(100 + i), Entity: (IActorRef)new StandInRef("u" + i))).ToList();
        foreach (var (user, entity) in entities)
        {
            routes.SentViaRegion(user);
            routes.AnsweredViaRegion(user, entity);
        }

        var last = entities[^1];
        Assert.False(routes.TryGet(last.User, out _));
        routes.Forget(entities[0].Entity);
        routes.SentViaRegion(last.User);
        Assert.True(routes.AnsweredViaRegion(last.User, last.Entity));
    }

    /// <summary>An actor ref that is only compared, never told.</summary>
    private sealed class StandInRef(string name) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "spec")) / name;

        public override IActorRefProvider Provider => throw new NotSupportedException();
    }
}
