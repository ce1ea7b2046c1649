namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ConversationCommands;
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

/// <summary>Conversations: read markers, unread counts and receipts, pin/mute, the conversation list.</summary>
public sealed partial record UserState
{
    public ImmutableDictionary<UserId, PeerConversation> Peers { get; init; } = ImmutableDictionary<UserId, PeerConversation>.Empty;
    public ImmutableDictionary<RoomId, long> RoomReads { get => _settled.RoomReads; init => _settled = _settled with { RoomReads = value }; }
    public ImmutableDictionary<ConversationId, ConversationFlags> Flags { get => _settled.Flags; init => _settled = _settled with { Flags = value }; }

    private sealed partial record Settled
    {
        public ImmutableDictionary<RoomId, long> RoomReads { get; init; } = ImmutableDictionary<RoomId, long>.Empty;
        public ImmutableDictionary<ConversationId, ConversationFlags> Flags { get; init; } = ImmutableDictionary<ConversationId, ConversationFlags>.Empty;
    }

    public ConversationFlags FlagsOf(ConversationId conversation) => Flags.GetValueOrDefault(conversation) ?? ConversationFlags.None;

    public Decision Decide(GetConversations _) => Exists ? Decision.Reply(ConversationsView()) : NotFound();

    /// <summary>
    /// Moves a read marker. For a 1:1 conversation the unread count is exact while the unread messages are within the
    /// recent inbox window (the last <see cref="RecentInboxCapacity"/> messages); older ones count as read. The reply,
    /// <see cref="ReadMarkerMoved"/>, is for every socket once stored; a read receipt goes to the peer.
    /// </summary>
    public Decision Decide(MarkRead cmd, DateTimeOffset now)
    {
        var conversation = cmd.Conversation;
        if (!Exists) return RefuseConversation("unknown-user", $"user {Id} does not exist");
        if (cmd.Seq < 0) return RefuseConversation("bad-cursor", "sequence numbers are never negative");
        if (conversation.Room is { } room)
        {
            if (!Rooms.Contains(room)) return RefuseConversation("not-member", $"you are not a member of room {room}");
            return cmd.Seq <= RoomReads.GetValueOrDefault(room)
                ? Decision.Reply(new ReadMarkerMoved(conversation, cmd.Seq, 0))
                : Decision.Store(new ConversationRead(conversation, cmd.Seq, 0), new ReadMarkerMoved(conversation, cmd.Seq, 0));
        }
        var peer = conversation.Peer!.Value;
        if (!Friends.Contains(peer) && !Peers.ContainsKey(peer)) return RefuseConversation("no-conversation", $"there is no conversation with user {peer}");
        if (cmd.Seq > InboxSeq) return RefuseConversation("no-such-message", $"your inbox has no message {cmd.Seq} (its newest is {InboxSeq})");
        var current = Peers.GetValueOrDefault(peer) ?? PeerConversation.None;
        if (cmd.Seq <= current.ReadThrough) return Decision.Reply(new ReadMarkerMoved(conversation, cmd.Seq, current.Unread));
        var unreadAfter = RecentInbox.CountWhere(m => m.Seq > cmd.Seq && !m.Outgoing && m.Peer == peer);
        var read = new ConversationRead(conversation, cmd.Seq, Math.Max(current.IncomingRead, current.IncomingTotal - unreadAfter));
        var unread = Math.Max(0, current.IncomingTotal - Math.Min(current.IncomingTotal, read.IncomingRead));
        var decision = Decision.Store(read, new ReadMarkerMoved(conversation, cmd.Seq, unread));
        return LastIncomingAtOrBelow(peer, cmd.Seq) is { } last ? decision.Send(new DeliverReceipt(peer, Id, last.MessageId, now)) : decision;
    }

    /// <summary>Pins or mutes a conversation; the reply, <see cref="FlagsChanged"/>, is for every socket once stored.</summary>
    public Decision Decide(SetConversationFlags cmd)
    {
        var conversation = cmd.Conversation;
        if (!Exists) return RefuseConversation("unknown-user", $"user {Id} does not exist");
        var known = conversation.Room is { } room ? Rooms.Contains(room) : Friends.Contains(conversation.Peer!.Value) || Peers.ContainsKey(conversation.Peer!.Value);
        if (!known) return RefuseConversation("no-conversation", $"there is no conversation {conversation}");
        var current = FlagsOf(conversation);
        var next = new ConversationFlagsSet(conversation, cmd.Pinned ?? current.Pinned, cmd.Muted ?? current.Muted);
        var changed = new FlagsChanged(conversation, next.Pinned, next.Muted);
        return next.Pinned == current.Pinned && next.Muted == current.Muted ? Decision.Reply(changed) : Decision.Store(next, changed);
    }

    /// <summary>The newest incoming message of <paramref name="peer"/> at or below <paramref name="seq"/>: what a read receipt names.</summary>
    public InboxEntry? LastIncomingAtOrBelow(UserId peer, long seq) =>
        RecentInbox.LastWhere(m => m.Seq <= seq && !m.Outgoing && m.Peer == peer);

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

    private static Decision RefuseConversation(string code, string reason) => Decision.Reply(new ConversationRefused(code, reason));

    private UserState ApplyConversation(IChatEvent e) => e switch
    {
        ConversationRead { Conversation.Room: { } room } r => this with { RoomReads = RoomReads.SetItem(room, Math.Max(r.Seq, RoomReads.GetValueOrDefault(room))) },
        ConversationRead r => UpdatePeer(r.Conversation.Peer!.Value, c => c with
        {
            ReadThrough = Math.Max(c.ReadThrough, r.Seq),
            IncomingRead = Math.Min(c.IncomingTotal, Math.Max(c.IncomingRead, r.IncomingRead)),
        }),
        ConversationFlagsSet f => this with { Flags = f is { Pinned: false, Muted: false } ? Flags.Remove(f.Conversation) : Flags.SetItem(f.Conversation, new ConversationFlags(f.Pinned, f.Muted)) },
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
