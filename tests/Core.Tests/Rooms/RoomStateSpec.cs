namespace AkkaChat.Core.Tests.Rooms;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomEvents;
using static AkkaChat.Core.Rooms.RoomReplies;
using static AkkaChat.Core.Users.ConnectionPushes;

public sealed class RoomStateSpec
{
    private static readonly RoomId Lobby = new(100);
    private static readonly UserId Owner = new(10_000);
    private static readonly UserId Member = new(10_001);
    private static readonly UserId Stranger = new(10_002);

    [Fact]
    public void A_room_that_was_never_created_does_not_exist_and_refuses_messages()
    {
        var state = RoomState.Empty;

        Assert.False(state.Exists);
        Assert.Equal(("no-room", "room does not exist"), Refusal(state, Owner, Samples.Text("hi")));
    }

    [Fact]
    public void RoomCreated_makes_the_owner_the_first_member()
    {
        var state = Created();

        Assert.True(state.Exists);
        Assert.Equal(new RoomProfile(Lobby, Owner, "lobby", "lobby.png", "about lobby", 1, Samples.At), state.Profile);
        Assert.Equal(new[] { Owner }, state.Members);
        Assert.Equal(0, state.Seq);
    }

    [Fact]
    public void MemberJoined_adds_a_member_once()
    {
        var state = Apply(Created(), new MemberJoined(Member, Samples.At), new MemberJoined(Member, Samples.At.AddMinutes(1)));

        Assert.Equal(2, state.Members.Count);
        Assert.Contains(Owner, state.Members);
        Assert.Contains(Member, state.Members);
    }

    [Fact]
    public void A_message_from_a_non_member_is_refused()
    {
        Assert.Equal("not-member", Refusal(Apply(Created(), new MemberJoined(Member, Samples.At)), Stranger, Samples.Text("hi"))?.Code);
    }

    [Fact]
    public void A_resend_from_a_member_who_left_since_gets_the_stored_message_and_a_new_one_is_refused()
    {
        var joined = Apply(Created(), new MemberJoined(Member, Samples.At));
        var stored = ((RoomMessageStored)joined.Decide(new SendRoomMessage(Lobby, Member, Samples.Text("hi"), 1, ActorRefs.Nobody, "c1"), Samples.At).Events[0]).Message;
        var left = Apply(joined, new RoomMessageStored(stored), new MembershipEvents.MemberLeft(Member, Samples.At));

        Assert.Equal(new RoomAccepted(2, stored), left.Decide(new SendRoomMessage(Lobby, Member, Samples.Text("hi"), 2, ActorRefs.Nobody, "c1"), Samples.At).ReplyMessage);
        Assert.Equal("not-member", Refusal(left, Member, Samples.Text("again"))?.Code);
    }

    [Fact]
    public void A_message_over_the_limit_is_refused()
    {
        var state = Created();

        Assert.Null(Refusal(state, Owner, Samples.TextOfLength(ChatPayload.MaxTextLength)));
        Assert.Equal("refused", Refusal(state, Owner, Samples.TextOfLength(ChatPayload.MaxTextLength + 1))?.Code);
    }

    [Fact]
    public void The_owner_and_members_may_post()
    {
        var state = Apply(Created(), new MemberJoined(Member, Samples.At));

        Assert.Null(Refusal(state, Owner, Samples.Text("hi")));
        Assert.Null(Refusal(state, Member, Samples.Text("hi")));
    }

    [Fact]
    public void Messages_number_the_log_densely()
    {
        var state = Created();
        for (var expected = 1L; expected <= 5; expected++)
        {
            var message = Next(state, Owner, Samples.Text("m" + expected), Samples.At);
            Assert.Equal(new RoomMessage(Lobby, expected, Owner, Samples.Text("m" + expected), Samples.At, message.MessageId, ""), message);
            state = state.Apply(new RoomMessageStored(message));
        }
        Assert.Equal(5, state.Seq);
    }

    [Fact]
    public void MessagesAfter_returns_later_messages_oldest_first_up_to_max()
    {
        var state = WithMessages(Created(), 10);

        Assert.Equal(new long[] { 4, 5, 6 }, state.MessagesAfter(3, 3).Select(m => m.Seq));
        Assert.Equal(new long[] { 9, 10 }, state.MessagesAfter(8, 50).Select(m => m.Seq));
        Assert.Empty(state.MessagesAfter(10, 50));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), state.MessagesAfter(0, 50).Select(m => m.Seq));
    }

    [Fact]
    public void Recalled_messages_are_left_out_of_the_catch_up_and_stay_known_through_a_snapshot()
    {
        var state = WithMessages(Created(), 5);
        state = Apply(state, new RoomConversationEvents.RoomMessageRecalled(2, state.Recent.ElementAt(1).MessageId, Samples.At));
        state = WithMessages(state, RoomState.RecentCapacity); // seq 2 leaves the recent tail

        var restored = RoomState.Empty.Apply(state.ToSnapshot());

        Assert.Equal(new long[] { 1, 3 }, WithMessages(Created(), 3).Apply(new RoomConversationEvents.RoomMessageRecalled(2, 0, Samples.At)).MessagesAfter(0, 10).Select(m => m.Seq));
        Assert.True(restored.IsRecalledSeq(2));
        Assert.Equal(new long[] { 2 }, restored.RecalledAfter(1));
        Assert.Empty(restored.RecalledAfter(2));
        Assert.Empty(restored.RecalledAfter(long.MaxValue));
    }

    [Fact]
    public void Recent_keeps_only_the_newest_messages()
    {
        var state = WithMessages(Created(), RoomState.RecentCapacity + 5);

        Assert.Equal(RoomState.RecentCapacity, state.Recent.Count);
        Assert.Equal(6, state.Recent.First().Seq);
        Assert.Equal(RoomState.RecentCapacity + 5, state.Seq);
        Assert.Equal(6, state.MessagesAfter(0, 1).Single().Seq);
    }

    [Fact]
    public void A_snapshot_restores_an_equivalent_state()
    {
        var state = WithMessages(Apply(Created(), new MemberJoined(Member, Samples.At)), 7);

        var restored = RoomState.Empty.Apply(state.ToSnapshot());

        Assert.Equal(state.Profile, restored.Profile);
        Assert.True(state.Members.SetEquals(restored.Members), "members differ");
        Assert.Equal(state.Seq, restored.Seq);
        Assert.Equal(state.Recent, restored.Recent);
        Assert.Equal(state.Recent.Capacity, restored.Recent.Capacity);
        Assert.Equal(state.Seq + 1, Next(restored, Member, Samples.Text("next"), Samples.At).Seq);
    }

    [Fact]
    public void An_event_of_another_entity_leaves_the_state_unchanged()
    {
        var state = Created();

        Assert.Same(state, state.Apply(new AkkaChat.Core.Users.UserEvents.FriendAdded(Member)));
    }

    [Fact]
    public void A_message_is_stored_and_acknowledged_with_the_reply_tag_and_a_resent_cid_gets_the_stored_one()
    {
        var state = Created();

        var first = state.Decide(new SendRoomMessage(Lobby, Owner, Samples.Text("hi"), 41, ActorRefs.Nobody, "c1"), Samples.At);
        var stored = Assert.IsType<RoomMessageStored>(Assert.Single(first.Events)).Message;
        Assert.Equal(new RoomAccepted(41, stored), first.ReplyMessage);

        var resent = state.Apply(new RoomMessageStored(stored)).Decide(new SendRoomMessage(Lobby, Owner, Samples.Text("hi"), 42, ActorRefs.Nobody, "c1"), Samples.At);
        Assert.Empty(resent.Events);
        Assert.Equal(new RoomAccepted(42, stored), resent.ReplyMessage);
    }

    [Fact]
    public void Reads_of_a_missing_room_are_refused_as_not_found_with_the_text_users_see()
    {
        var missing = new Refused(RefusalCodes.NotFound, "room 100 does not exist");

        Assert.Equal(missing, RoomState.Empty.Decide(new GetRoom(Lobby)).ReplyMessage);
        Assert.Equal(missing, RoomState.Empty.Decide(new FetchRoomMessages(Lobby, Owner, 0, 10)).ReplyMessage);
        Assert.Equal(missing, RoomState.Empty.Decide(new RoomConversationCommands.GetRoomRecalls(Lobby, 0)).ReplyMessage);
        Assert.Equal(new RoomNotFound(Lobby), RoomState.Empty.Decide(new AddMember(Lobby, Member), Samples.At).ReplyMessage);
        Assert.Equal("you are not a member of this room", (Created().Decide(new FetchRoomMessages(Lobby, Stranger, 0, 10)).ReplyMessage as Refused)?.Reason);
    }

    [Fact]
    public void Creating_and_joining_are_idempotent_and_confirm_the_membership()
    {
        var create = new CreateRoomLog(Lobby, Owner, Samples.Room("lobby"), Samples.At);
        var created = RoomState.Empty.Decide(create);
        Assert.IsType<RoomCreated>(Assert.Single(created.Events));
        Assert.Equal(new MembershipConfirmed(Created().Profile!, Owner, 0), created.ReplyMessage);
        Assert.Empty(Created().Decide(create).Events);

        var joined = Created().Decide(new AddMember(Lobby, Member), Samples.At);
        Assert.Equal(new MemberJoined(Member, Samples.At), Assert.Single(joined.Events));
        Assert.Empty(Created().Decide(new AddMember(Lobby, Owner), Samples.At).Events);
    }

    private static (string Code, string Reason)? Refusal(RoomState state, UserId sender, ChatPayload payload) =>
        state.Decide(new SendRoomMessage(Lobby, sender, payload, 1, ActorRefs.Nobody), Samples.At).ReplyMessage is ChatRefused r ? (r.Code, r.Reason) : null;

    private static RoomMessage Next(RoomState state, UserId sender, ChatPayload payload, DateTimeOffset at) =>
        ((RoomMessageStored)state.Decide(new SendRoomMessage(Lobby, sender, payload, 1, ActorRefs.Nobody), at).Events[0]).Message;

    private static RoomState Created() =>
        RoomState.Empty.Apply(new RoomCreated(Lobby, Owner, Samples.Room("lobby"), Samples.At));

    private static RoomState Apply(RoomState state, params IChatEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));

    private static RoomState WithMessages(RoomState state, int count)
    {
        for (var i = 0; i < count; i++)
            state = state.Apply(new RoomMessageStored(Next(state, Owner, Samples.Text("m" + (i + 1)), Samples.At.AddSeconds(i))));
        return state;
    }
}
