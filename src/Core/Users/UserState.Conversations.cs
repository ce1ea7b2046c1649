namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ConversationEvents;
using static AkkaChat.Core.Users.ConversationReplies;

/// <summary>A 1:1 conversation as one side keeps it: the last message, and how many incoming messages exist and are read.</summary>
public sealed record PeerConversation(DirectMessage? Last, long IncomingTotal, long IncomingRead, long ReadThrough)
{
    public static readonly PeerConversation None = new(null, 0, 0, 0);

    public long Unread => Math.Max(0, IncomingTotal - IncomingRead);
}

/// <summary>Pin and mute of one conversation.</summary>
public sealed record ConversationFlags(bool Pinned, bool Muted)
{
    public static readonly ConversationFlags None = new(false, false);
}

/// <summary>Conversations: read markers, unread counts, pin/mute, recalls.</summary>
public sealed partial record UserState
{
    /// <summary>How long after sending a user may recall a message.</summary>
    public static readonly TimeSpan RecallWindow = TimeSpan.FromMinutes(2);

    public ImmutableDictionary<UserId, PeerConversation> Peers { get; init; } = ImmutableDictionary<UserId, PeerConversation>.Empty;
    public ImmutableDictionary<RoomId, long> RoomReads { get; init; } = ImmutableDictionary<RoomId, long>.Empty;
    public ImmutableDictionary<ConversationId, ConversationFlags> Flags { get; init; } = ImmutableDictionary<ConversationId, ConversationFlags>.Empty;

    /// <summary>
    /// Inbox sequence numbers of every recalled message, however old: what a forward read of the journal (sync, backlog)
    /// cannot know at read time, since a recall is stored after its message. One number per recall, kept in snapshots.
    /// </summary>
    public ImmutableSortedSet<long> RecalledSeqs { get; init; } = [];

    /// <summary>The inbox's latest recalls, for devices that held the message and were away when it was recalled.</summary>
    public ImmutableList<RecallNote> RecentRecalls { get; init; } = [];

    public ConversationFlags FlagsOf(ConversationId conversation) => Flags.GetValueOrDefault(conversation) ?? ConversationFlags.None;

    public bool IsRecalledSeq(long seq) => RecalledSeqs.Contains(seq);

    /// <summary>
    /// Decides a read marker. For a 1:1 conversation the unread count is exact while the unread messages are within the
    /// recent inbox window (the last <see cref="RecentInboxCapacity"/> messages); older ones count as read.
    /// </summary>
    public (ConversationRead? Event, string? Code, string? Refusal) DecideRead(ConversationId conversation, long seq)
    {
        if (!Exists) return (null, "unknown-user", $"user {Id} does not exist");
        if (seq < 0) return (null, "bad-cursor", "sequence numbers are never negative");
        if (conversation.Room is { } room)
        {
            if (!Rooms.Contains(room)) return (null, "not-member", $"you are not a member of room {room}");
            return seq <= RoomReads.GetValueOrDefault(room) ? (null, null, null) : (new ConversationRead(conversation, seq, 0), null, null);
        }
        var peer = conversation.Peer!.Value;
        if (!Friends.Contains(peer) && !Peers.ContainsKey(peer)) return (null, "no-conversation", $"there is no conversation with user {peer}");
        if (seq > InboxSeq) return (null, "no-such-message", $"your inbox has no message {seq} (its newest is {InboxSeq})");
        var current = Peers.GetValueOrDefault(peer) ?? PeerConversation.None;
        if (seq <= current.ReadThrough) return (null, null, null);
        var unreadAfter = RecentInbox.LongCount(m => m.Seq > seq && m.SenderId == peer && m.RecipientId == Id);
        return (new ConversationRead(conversation, seq, Math.Max(current.IncomingRead, current.IncomingTotal - unreadAfter)), null, null);
    }

    /// <summary>The newest incoming message of <paramref name="peer"/> at or below <paramref name="seq"/>: what a read receipt names.</summary>
    public DirectMessage? LastIncomingAtOrBelow(UserId peer, long seq) =>
        RecentInbox.LastOrDefault(m => m.Seq <= seq && m.SenderId == peer && m.RecipientId == Id);

    /// <summary>Decides a recall of this user's own message <paramref name="seq"/> at <paramref name="now"/>.</summary>
    public (DirectMessage? Message, string? Code, string? Refusal) DecideRecall(long seq, DateTimeOffset now)
    {
        if (!Exists) return (null, "unknown-user", $"user {Id} does not exist");
        var message = RecentInbox.FirstOrDefault(m => m.Seq == seq);
        if (message is null) return (null, seq > InboxSeq || seq <= 0 ? "no-such-message" : "recall-expired", seq > InboxSeq || seq <= 0 ? $"your inbox has no message {seq}" : "the message is too old to recall");
        if (message.SenderId != Id) return (null, "not-yours", "you can only recall your own messages");
        if (IsRecalledSeq(message.Seq)) return (message, null, null);
        if (now - message.At > RecallWindow) return (null, "recall-expired", $"messages can be recalled for {RecallWindow.TotalMinutes:0} minutes");
        return (message, null, null);
    }

    public ConversationsState ConversationsView() => new(
        [.. Friends.Union(Peers.Keys).Select(peer =>
        {
            var c = Peers.GetValueOrDefault(peer) ?? PeerConversation.None;
            var flags = FlagsOf(ConversationId.With(peer));
            return new PeerSummary(peer, c.Last, c.Last is { } last && IsRecalledSeq(last.Seq), c.Unread, flags.Pinned, flags.Muted);
        })],
        [.. Rooms.Select(room =>
        {
            var flags = FlagsOf(ConversationId.In(room));
            return new RoomReadState(room, RoomReads.GetValueOrDefault(room, RoomMarks.GetValueOrDefault(room)), flags.Pinned, flags.Muted);
        })]);

    private UserState ApplyConversation(IChatEvent e) => e switch
    {
        ConversationRead { Conversation.Room: { } room } r => this with { RoomReads = RoomReads.SetItem(room, Math.Max(r.Seq, RoomReads.GetValueOrDefault(room))) },
        ConversationRead r => UpdatePeer(r.Conversation.Peer!.Value, c => c with
        {
            ReadThrough = Math.Max(c.ReadThrough, r.Seq),
            IncomingRead = Math.Min(c.IncomingTotal, Math.Max(c.IncomingRead, r.IncomingRead)),
        }),
        ConversationFlagsSet f => this with { Flags = f is { Pinned: false, Muted: false } ? Flags.Remove(f.Conversation) : Flags.SetItem(f.Conversation, new ConversationFlags(f.Pinned, f.Muted)) },
        DirectMessageRecalled r when !IsRecalledSeq(r.Seq) => this with
        {
            RecalledSeqs = RecalledSeqs.Add(r.Seq),
            RecentRecalls = RecallNote.Append(RecentRecalls, new RecallNote(r.Seq, r.MessageId, InboxSeq)),
        },
        _ => this,
    };

    /// <summary>The 1:1 conversation summaries with <paramref name="m"/> counted in: kept in step with the inbox.</summary>
    private ImmutableDictionary<UserId, PeerConversation> PeersWith(DirectMessage m)
    {
        var peer = m.SenderId == Id ? m.RecipientId : m.SenderId;
        var incoming = m.SenderId != Id;
        var c = Peers.GetValueOrDefault(peer) ?? PeerConversation.None;
        return Peers.SetItem(peer, c with
        {
            Last = m,
            IncomingTotal = c.IncomingTotal + (incoming ? 1 : 0),
            // Sending in a conversation reads it: a user who answers has seen what came before.
            IncomingRead = incoming ? c.IncomingRead : c.IncomingTotal,
            ReadThrough = incoming ? c.ReadThrough : m.Seq,
        });
    }

    private UserState UpdatePeer(UserId peer, Func<PeerConversation, PeerConversation> update) =>
        this with { Peers = Peers.SetItem(peer, update(Peers.GetValueOrDefault(peer) ?? PeerConversation.None)) };
}
