namespace AkkaChat.Core.Tests.Ids;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Ids.IdBlockCommands;
using static AkkaChat.Core.Ids.IdBlockReplies;

public sealed class IdBlockSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void Blocks_follow_each_other_from_the_first_id()
    {
        var chat = StartChat();

        Assert.Equal(new IdBlockGranted(IdKinds.User, 10_000, 10), Reserve(chat, IdKinds.User, 10));
        Assert.Equal(new IdBlockGranted(IdKinds.User, 10_010, 25), Reserve(chat, IdKinds.User, 25));
        Assert.Equal(new IdBlockGranted(IdKinds.Room, 100, 10), Reserve(chat, IdKinds.Room, 10));
    }

    [Fact]
    public void Blocks_are_never_reused_after_a_restart()
    {
        var chat = StartChat();
        var before = new[] { Reserve(chat, IdKinds.User, 10), Reserve(chat, IdKinds.User, 10) };

        StopEntity(chat.IdBlocks, IdKinds.User);

        var after = Reserve(chat, IdKinds.User, 10);
        Assert.True(after.Start >= before.Max(b => b.Start + b.Count), $"block {after.Start} overlaps one granted before the restart");
        Assert.Equal(10_020, after.Start);
    }

    [Fact]
    public void A_block_of_no_ids_is_refused()
    {
        var chat = StartChat();

        Assert.Equal(RefusalCodes.Refused, Query<Refused>(chat.IdBlocks, new ReserveIdBlock(IdKinds.User, 10_000, 0)).Code);

        Assert.Equal(10_000, Reserve(chat, IdKinds.User, 10).Start);
    }

    [Fact]
    public void A_leaser_never_repeats_an_id_even_when_its_node_and_the_allocator_restart()
    {
        var chat = StartChat();
        var leased = Enumerable.Range(0, 13).Select(_ => Query<IdLeased>(chat.Topology.UserIds, NextId.Instance).Id).ToList();
        Assert.Equal(Enumerable.Range(10_000, 13).Select(i => (long)i), leased);

        StopEntity(chat.IdBlocks, IdKinds.User);
        var restartedNode = Sys.ActorOf(IdLeaser.Props(IdKinds.User, chat.IdBlocks, DefaultSettings.IdBlockSize));

        var fresh = Query<IdLeased>(restartedNode, NextId.Instance).Id;
        Assert.True(fresh > leased.Max(), $"id {fresh} was leased again after the restart");
        Assert.Equal(10_013, Query<IdLeased>(chat.Topology.UserIds, NextId.Instance).Id);
    }

    private IdBlockGranted Reserve(LocalChat chat, string kind, int count) =>
        Query<IdBlockGranted>(chat.IdBlocks, new ReserveIdBlock(kind, IdKinds.FirstId(kind), count));
}
