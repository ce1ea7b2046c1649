namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Users.ConversationEvents;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>Read markers, unread counts, flags and recall decisions of <see cref="UserState"/>, without actors.</summary>
public sealed class ConversationStateSpec
{
    private static readonly UserId Me = new(10_000);
    private static readonly UserId Peer = new(10_001);
    private static readonly UserId Other = new(10_002);

    private static UserState Friends() => UserState.Empty
        .Apply(new UserCreated(Me, "13800000000", Samples.Profile("me"), Samples.At))
        .Apply(new UserEvents.FriendAdded(Peer))
        .Apply(new UserEvents.FriendAdded(Other));

    private static UserState Receive(UserState state, UserId from, int count, DateTimeOffset? at = null)
    {
        for (var i = 0; i < count; i++)
            state = state.Apply(new DirectMessageStored(state.NextInboxMessage(from, Me, Samples.Text("m"), at ?? Samples.At, MessageIds.New(), "")));
        return state;
    }

    [Fact]
    public void Unread_counts_only_the_peers_incoming_messages_after_the_read_marker()
    {
        var state = Receive(Receive(Receive(Friends(), Peer, 3), Other, 2), Peer, 2); // seqs 1-3 peer, 4-5 other, 6-7 peer
        Assert.Equal(5, state.Peers[Peer].Unread);
        Assert.Equal(2, state.Peers[Other].Unread);

        var (read, _, refusal) = state.DecideRead(ConversationId.With(Peer), 5);
        Assert.Null(refusal);
        state = state.Apply(read!);
        Assert.Equal(2, state.Peers[Peer].Unread);
        Assert.Equal(2, state.Peers[Other].Unread);
        Assert.Equal(3, state.LastIncomingAtOrBelow(Peer, 5)!.Value.Seq);
    }

    [Fact]
    public void Reading_backwards_or_beyond_the_inbox_or_a_stranger_is_refused_or_ignored()
    {
        var state = Receive(Friends(), Peer, 3);
        state = state.Apply(state.DecideRead(ConversationId.With(Peer), 3).Event!);
        Assert.Equal((null, null, null), state.DecideRead(ConversationId.With(Peer), 2));
        Assert.Equal("no-such-message", state.DecideRead(ConversationId.With(Peer), 4).Code);
        Assert.Equal("bad-cursor", state.DecideRead(ConversationId.With(Peer), -1).Code);
        Assert.Equal("no-conversation", state.DecideRead(ConversationId.With(new UserId(99_999)), 1).Code);
        Assert.Equal("not-member", state.DecideRead(ConversationId.In(new RoomId(100)), 1).Code);
    }

    [Fact]
    public void Sending_in_a_conversation_marks_it_read()
    {
        var state = Receive(Friends(), Peer, 4);
        state = state.Apply(new DirectMessageStored(state.NextInboxMessage(Me, Peer, Samples.Text("reply"), Samples.At, MessageIds.New(), "c1")));
        Assert.Equal(0, state.Peers[Peer].Unread);
        Assert.Equal("reply", state.Peers[Peer].Last!.Payload.Content);
    }

    [Fact]
    public void Only_the_sender_can_recall_and_only_within_the_window()
    {
        var state = Receive(Friends(), Peer, 1);
        var mine = state.NextInboxMessage(Me, Peer, Samples.Text("oops"), Samples.At, 4242, "c2");
        state = state.Apply(new DirectMessageStored(mine));

        Assert.Equal("not-yours", state.DecideRecall(1, Samples.At).Code);
        Assert.Equal("no-such-message", state.DecideRecall(9, Samples.At).Code);
        Assert.Equal("recall-expired", state.DecideRecall(mine.Seq, Samples.At + UserState.RecallWindow + TimeSpan.FromSeconds(1)).Code);
        var (message, _, refusal) = state.DecideRecall(mine.Seq, Samples.At + TimeSpan.FromMinutes(1));
        Assert.Null(refusal);
        Assert.Equal(4242, message!.Value.MessageId);

        state = state.Apply(new DirectMessageRecalled(mine.Seq, mine.MessageId, Samples.At));
        Assert.True(state.IsRecalledSeq(mine.Seq));
        Assert.True(state.ConversationsView().Peers.Single(p => p.Peer == Peer).LastRecalled);
    }

    [Fact]
    public void Flags_persist_through_a_snapshot_and_clearing_both_removes_them()
    {
        var state = Receive(Friends(), Peer, 2).Apply(new ConversationFlagsSet(ConversationId.With(Peer), Pinned: true, Muted: false));
        var restored = UserState.Empty.Apply(state.ToSnapshot());
        Assert.True(restored.FlagsOf(ConversationId.With(Peer)).Pinned);
        Assert.Equal(2, restored.Peers[Peer].Unread);
        Assert.Empty(restored.Apply(new ConversationFlagsSet(ConversationId.With(Peer), false, false)).Flags);
    }

    [Fact]
    public void A_recall_stays_known_however_many_messages_follow_and_through_a_snapshot()
    {
        var state = Receive(Friends(), Peer, 3);
        state = state.Apply(new DirectMessageRecalled(2, state.RecentInbox.ElementAt(1).MessageId, Samples.At));
        state = Receive(state, Other, UserState.RecentInboxCapacity + 10); // seq 2 leaves the recent inbox

        var restored = UserState.Empty.Apply(state.ToSnapshot());

        Assert.True(restored.IsRecalledSeq(2));
        Assert.False(restored.IsRecalledSeq(1));
        Assert.Equal(new long[] { 2 }, restored.RecalledSeqs);
    }

    [Fact]
    public void A_recall_is_noted_with_the_inbox_head_so_only_devices_that_may_have_missed_it_are_told()
    {
        var state = Receive(Friends(), Peer, 3);
        var message = state.RecentInbox.ElementAt(1);
        state = state.Apply(new DirectMessageRecalled(2, message.MessageId, Samples.At));
        state = state.Apply(new DirectMessageRecalled(2, message.MessageId, Samples.At)); // told twice, noted once
        state = Receive(state, Other, 2);

        var restored = UserState.Empty.Apply(state.ToSnapshot());

        Assert.Equal([new RecallNote(2, message.MessageId, 3)], restored.RecentRecalls);
        Assert.Equal([2L], RecallNote.MissedBy(restored.RecentRecalls, 3).Select(n => n.Seq)); // away at the head then
        Assert.Equal([2L], RecallNote.MissedBy(restored.RecentRecalls, 2).Select(n => n.Seq)); // held it, away since
        Assert.Empty(RecallNote.MissedBy(restored.RecentRecalls, 1)); // did not hold it: reads the recalled slot
        Assert.Empty(RecallNote.MissedBy(restored.RecentRecalls, 4)); // read past the recall
    }

    [Fact]
    public void Only_the_latest_recalls_are_noted()
    {
        var state = Receive(Friends(), Peer, RecallNote.Kept + 5);
        foreach (var m in state.RecentInbox.Take(RecallNote.Kept + 5)) state = state.Apply(new DirectMessageRecalled(m.Seq, m.MessageId, Samples.At));

        Assert.Equal(RecallNote.Kept, state.RecentRecalls.Count);
        Assert.Equal(6, state.RecentRecalls[0].Seq);
        Assert.Equal(RecallNote.Kept + 5, state.RecalledSeqs.Count);
    }

    [Fact]
    public void A_snapshot_written_before_recalled_seqs_still_marks_the_recalls_in_its_recent_inbox()
    {
        var state = Receive(Friends(), Peer, 3);
        var recalled = state.RecentInbox.ElementAt(2);
        var old = state.ToSnapshot() with { RecalledMessages = [recalled.MessageId], RecalledSeqs = [] };

        Assert.Equal(new long[] { 3 }, UserState.Empty.Apply(old).RecalledSeqs);
    }

    [Fact]
    public void The_offline_backlog_is_told_the_recalls_it_must_leave_out()
    {
        var state = Receive(Friends(), Peer, 4);
        state = state.Apply(new DirectMessageRecalled(3, state.RecentInbox.ElementAt(2).MessageId, Samples.At));

        var connected = Assert.IsType<Connected>(state.Decide(new Connect(state.Id, ActorRefs.Nobody), socketsBefore: 0, socketsAfter: 1).ReplyMessage);

        Assert.Equal((0L, 4L), (connected.BacklogAfter, connected.InboxHead));
        Assert.Equal(new long[] { 3 }, connected.RecalledInbox);
    }
}
