namespace AkkaChat.Core.Tests.Rooms;

using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using static AkkaChat.Core.Rooms.MembershipEvents;
using static AkkaChat.Core.Rooms.RoomEvents;

/// <summary>Leaving, removal by the owner, ownership transfer and the member list, folded into <see cref="RoomState"/>.</summary>
public sealed class MembershipStateSpec
{
    private static readonly RoomId Lobby = new(100);
    private static readonly UserId Owner = new(10_000);
    private static readonly UserId Member = new(10_001);
    private static readonly UserId Other = new(10_002);
    private static readonly UserId Stranger = new(10_003);

    [Fact]
    public void A_room_that_does_not_exist_refuses_every_membership_change()
    {
        var state = RoomState.Empty;

        Assert.Equal("room does not exist", state.RefuseLeave(Member));
        Assert.Equal("room does not exist", state.RefuseRemoveMember(Owner, Member));
        Assert.Equal("room does not exist", state.RefuseTransfer(Owner, Member));
        Assert.Equal("room does not exist", state.RefuseListMembers(Member));
    }

    [Fact]
    public void A_member_may_leave_but_not_the_owner_nor_a_stranger()
    {
        var state = WithMembers();

        Assert.Null(state.RefuseLeave(Member));
        Assert.Contains("transfer ownership", state.RefuseLeave(Owner));
        Assert.Contains("not a member", state.RefuseLeave(Stranger));
    }

    [Fact]
    public void Leaving_removes_the_member_at_once_and_waits_for_their_entity()
    {
        var left = WithMembers().Apply(new MemberLeft(Member, Samples.At));

        Assert.Equal(new[] { Owner, Other }, left.MemberListing());
        Assert.Equal(new[] { Member }, left.PendingUnlinks);
        Assert.NotNull(left.RefuseMessage(Member, Samples.Text("still here?")));

        var confirmed = left.Apply(new MemberUnlinked(Member));
        Assert.Empty(confirmed.PendingUnlinks);
        Assert.DoesNotContain(Member, confirmed.Members);
    }

    [Fact]
    public void A_confirmation_after_joining_again_keeps_the_member()
    {
        var state = Apply(WithMembers(), new MemberLeft(Member, Samples.At), new MemberJoined(Member, Samples.At), new MemberUnlinked(Member));

        Assert.Contains(Member, state.Members);
        Assert.Empty(state.PendingUnlinks);
    }

    [Fact]
    public void Only_the_owner_removes_members_and_never_themself()
    {
        var state = WithMembers();

        Assert.Null(state.RefuseRemoveMember(Owner, Member));
        Assert.Contains("only the room's owner", state.RefuseRemoveMember(Member, Other));
        Assert.Contains("cannot remove themself", state.RefuseRemoveMember(Owner, Owner));
        Assert.Contains("not a member", state.RefuseRemoveMember(Owner, Stranger));

        var removed = state.Apply(new MemberRemoved(Other, Owner, Samples.At));
        Assert.Equal(new[] { Owner, Member }, removed.MemberListing());
        Assert.Equal(new[] { Other }, removed.PendingUnlinks);
    }

    [Fact]
    public void Only_the_owner_transfers_and_only_to_another_member()
    {
        var state = WithMembers();

        Assert.Null(state.RefuseTransfer(Owner, Member));
        Assert.Contains("only the room's owner", state.RefuseTransfer(Member, Other));
        Assert.Contains("already own", state.RefuseTransfer(Owner, Owner));
        Assert.Contains("not a member", state.RefuseTransfer(Owner, Stranger));
    }

    [Fact]
    public void A_transfer_changes_the_owner_and_waits_for_both_users_to_record_it()
    {
        var moved = WithMembers().Apply(new OwnershipTransferred(Owner, Member, Samples.At));

        Assert.Equal(Member, moved.Profile!.OwnerId);
        Assert.Equal(new[] { Member, Owner, Other }, moved.MemberListing());
        Assert.False(moved.OwnershipRecordedBy(Owner, Member));
        Assert.Null(moved.RefuseLeave(Owner));
        Assert.NotNull(moved.RefuseLeave(Member));

        var halfway = moved.Apply(new OwnershipRecorded(Member, Owned: true));
        Assert.False(halfway.OwnershipRecordedBy(Owner, Member));
        var done = halfway.Apply(new OwnershipRecorded(Owner, Owned: false));
        Assert.True(done.OwnershipRecordedBy(Owner, Member));
        Assert.Empty(done.PendingOwnership);
    }

    [Fact]
    public void A_confirmation_of_an_older_transfer_does_not_clear_a_newer_one()
    {
        var state = Apply(
            WithMembers(),
            new OwnershipTransferred(Owner, Member, Samples.At),
            new OwnershipTransferred(Member, Other, Samples.At.AddSeconds(1)),
            new OwnershipRecorded(Member, Owned: true));

        Assert.False(state.PendingOwnership[Member]);
        Assert.Equal(Other, state.Profile!.OwnerId);
    }

    [Fact]
    public void Only_members_list_the_members_owner_first()
    {
        var state = WithMembers();

        Assert.Null(state.RefuseListMembers(Other));
        Assert.Contains("not a member", state.RefuseListMembers(Stranger));
        Assert.Equal(new[] { Owner, Member, Other }, state.MemberListing());
    }

    [Fact]
    public void The_snapshot_keeps_pending_unlinks_and_ownership()
    {
        var state = Apply(WithMembers(), new MemberLeft(Other, Samples.At), new OwnershipTransferred(Owner, Member, Samples.At));

        var restored = RoomState.Empty.Apply(state.ToSnapshot());

        Assert.Equal(new[] { Other }, restored.PendingUnlinks);
        Assert.Equal(state.PendingOwnership, restored.PendingOwnership);
        Assert.Equal(Member, restored.Profile!.OwnerId);
        Assert.Equal(new[] { Member, Owner }, restored.MemberListing());
    }

    private static RoomState WithMembers() => Apply(
        RoomState.Empty,
        new RoomCreated(Lobby, Owner, Samples.Room("lobby"), Samples.At),
        new MemberJoined(Other, Samples.At),
        new MemberJoined(Member, Samples.At));

    private static RoomState Apply(RoomState state, params IChatEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));
}
