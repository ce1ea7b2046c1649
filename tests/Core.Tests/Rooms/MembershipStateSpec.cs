namespace AkkaChat.Core.Tests.Rooms;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using static AkkaChat.Core.Rooms.MembershipCommands;
using static AkkaChat.Core.Rooms.MembershipEvents;
using static AkkaChat.Core.Rooms.MembershipReplies;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactReplies;
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

        Assert.Equal("room 100 does not exist", Refusal(state.Decide(new LeaveRoom(Lobby, Member), Samples.At)));
        Assert.Equal("room 100 does not exist", Refusal(state.Decide(new RemoveMember(Lobby, Owner, Member), Samples.At)));
        Assert.Equal("room 100 does not exist", Refusal(state.Decide(new TransferOwnership(Lobby, Owner, Member), Samples.At)));
        Assert.Equal("room 100 does not exist", Refusal(state.Decide(new ListMembers(Lobby, Member))));
    }

    [Fact]
    public void A_member_may_leave_but_not_the_owner_nor_a_stranger()
    {
        var state = WithMembers();

        Assert.Null(Refusal(state.Decide(new LeaveRoom(Lobby, Member), Samples.At)));
        Assert.Contains("transfer ownership", Refusal(state.Decide(new LeaveRoom(Lobby, Owner), Samples.At)));
        Assert.Contains("not a member", Refusal(state.Decide(new LeaveRoom(Lobby, Stranger), Samples.At)));
    }

    [Fact]
    public void Leaving_removes_the_member_at_once_and_waits_for_their_entity()
    {
        var left = WithMembers().Apply(new MemberLeft(Member, Samples.At));

        Assert.Equal(new[] { Owner, Other }, left.MemberListing());
        Assert.Equal(new[] { Member }, left.PendingUnlinks);
        Assert.IsType<ChatRefused>(left.Decide(new SendRoomMessage(Lobby, Member, Samples.Text("still here?"), 1, ActorRefs.Nobody), Samples.At).ReplyMessage);

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

        Assert.Null(Refusal(state.Decide(new RemoveMember(Lobby, Owner, Member), Samples.At)));
        Assert.Contains("only the room's owner", Refusal(state.Decide(new RemoveMember(Lobby, Member, Other), Samples.At)));
        Assert.Contains("cannot remove themself", Refusal(state.Decide(new RemoveMember(Lobby, Owner, Owner), Samples.At)));
        Assert.Contains("not a member", Refusal(state.Decide(new RemoveMember(Lobby, Owner, Stranger), Samples.At)));

        var removed = state.Apply(new MemberRemoved(Other, Owner, Samples.At));
        Assert.Equal(new[] { Owner, Member }, removed.MemberListing());
        Assert.Equal(new[] { Other }, removed.PendingUnlinks);
    }

    [Fact]
    public void Only_the_owner_transfers_and_only_to_another_member()
    {
        var state = WithMembers();

        Assert.Null(Refusal(state.Decide(new TransferOwnership(Lobby, Owner, Member), Samples.At)));
        Assert.Contains("only the room's owner", Refusal(state.Decide(new TransferOwnership(Lobby, Member, Other), Samples.At)));
        Assert.Contains("already own", Refusal(state.Decide(new TransferOwnership(Lobby, Owner, Owner), Samples.At)));
        Assert.Contains("not a member", Refusal(state.Decide(new TransferOwnership(Lobby, Owner, Stranger), Samples.At)));
    }

    [Fact]
    public void A_transfer_changes_the_owner_and_waits_for_both_users_to_record_it()
    {
        var moved = WithMembers().Apply(new OwnershipTransferred(Owner, Member, Samples.At));

        Assert.Equal(Member, moved.Profile!.OwnerId);
        Assert.Equal(new[] { Member, Owner, Other }, moved.MemberListing());
        Assert.Equal(2, moved.PendingOwnership.Count);
        Assert.Null(Refusal(moved.Decide(new LeaveRoom(Lobby, Owner), Samples.At)));
        Assert.NotNull(Refusal(moved.Decide(new LeaveRoom(Lobby, Member), Samples.At)));

        var halfway = moved.Apply(new OwnershipRecorded(Member, Owned: true));
        Assert.Equal([Owner], halfway.PendingOwnership.Keys);
        var done = halfway.Apply(new OwnershipRecorded(Owner, Owned: false));
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

        Assert.Null(Refusal(state.Decide(new ListMembers(Lobby, Other))));
        Assert.Contains("not a member", Refusal(state.Decide(new ListMembers(Lobby, Stranger))));
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

    [Fact]
    public void Leaving_is_stored_the_asker_waits_and_the_members_entity_is_told_until_it_confirms()
    {
        var state = WithMembers();

        var leave = state.Decide(new LeaveRoom(Lobby, Member), Samples.At);
        Assert.Equal(new MemberLeft(Member, Samples.At), Assert.Single(leave.Events));
        Assert.NotNull(leave.AwaitKey);
        Assert.Equal([new UnlinkRoom(Member, Lobby)], leave.Sends);

        var left = state.Apply(leave.Events[0]);
        Assert.Equal([new UnlinkRoom(Member, Lobby)], left.Outstanding);
        Assert.Equal(leave.AwaitKey, left.Decide(new LeaveRoom(Lobby, Member), Samples.At).AwaitKey); // asked again: waits too

        var recorded = left.Decide(new RoomUnlinkRecorded(Member, Lobby));
        Assert.Equal(new MemberUnlinked(Member), Assert.Single(recorded.Events));
        Assert.Equal([new KeyValuePair<object, object>(leave.AwaitKey!, new MembershipEnded(left.Profile!, Member))], recorded.Answers);
        Assert.Empty(left.Apply(recorded.Events[0]).Outstanding);

        var late = left.Apply(recorded.Events[0]).Decide(new RoomUnlinkRecorded(Member, Lobby));
        Assert.Empty(late.Events);
        Assert.Single(late.Answers);
    }

    [Fact]
    public void A_transfer_tells_both_users_and_is_answered_once_the_last_one_recorded_it()
    {
        var transfer = WithMembers().Decide(new TransferOwnership(Lobby, Owner, Member), Samples.At);
        Assert.Equal([new SetRoomOwnership(Owner, Lobby, false), new SetRoomOwnership(Member, Lobby, true)], transfer.Sends);
        var moved = WithMembers().Apply(transfer.Events[0]);
        Assert.Equal(2, moved.Outstanding.Count());

        var first = moved.Decide(new RoomOwnershipRecorded(Member, Lobby, true));
        Assert.Equal(new OwnershipRecorded(Member, true), Assert.Single(first.Events));
        Assert.Empty(first.Answers);
        Assert.Empty(moved.Decide(new RoomOwnershipRecorded(Member, Lobby, false)).Events); // not what it must record

        var halfway = moved.Apply(first.Events[0]);
        var last = halfway.Decide(new RoomOwnershipRecorded(Owner, Lobby, false));
        Assert.Single(last.Events);
        Assert.Equal([new KeyValuePair<object, object>(transfer.AwaitKey!, new OwnershipMoved(halfway.Profile!))], last.Answers);
        Assert.Equal([new SetRoomOwnership(Owner, Lobby, false)], halfway.Outstanding);
    }

    private static string? Refusal(Decision decision) => (decision.ReplyMessage as Refused)?.Reason;

    private static RoomState WithMembers() => Apply(
        RoomState.Empty,
        new RoomCreated(Lobby, Owner, Samples.Room("lobby"), Samples.At),
        new MemberJoined(Other, Samples.At),
        new MemberJoined(Member, Samples.At));

    private static RoomState Apply(RoomState state, params IChatEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));
}
