namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.ContactReplies;
using static AkkaChat.Core.Users.ConversationCommands;
using static AkkaChat.Core.Users.ConversationEvents;
using static AkkaChat.Core.Users.ConversationReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// The 1:1 inbox: a message is decided here for the sender (<see cref="Decide(SendDirect, bool)"/>), stored in the
/// recipient's inbox (<see cref="Decide(StoreIncomingDirect)"/>), then in the sender's (<see cref="Decide(IncomingDirectStored, SendDirect)"/>);
/// recalls; and the delivery cursor a seed-000 backlog starts from.
/// </summary>
public sealed partial record UserState
{
    /// <summary>How many recent inbox messages the state keeps for delivery to a user who was offline.</summary>
    public const int RecentInboxCapacity = 1000;

    /// <summary>At most this many missed messages are pushed to a socket when the user comes back online.</summary>
    public const int MaxBacklog = 500;

    /// <summary>How long after sending a user may recall a message.</summary>
    public static readonly TimeSpan RecallWindow = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The decision for an accepted <see cref="SendDirect"/>: nothing is stored on the sender's side yet; the entity asks the
    /// recipient's entity to store it first. One shared instance, so the 1:1 hot path allocates no decision here.
    /// </summary>
    public static readonly Decision StoreAtRecipient = Decision.Store(Array.Empty<IChatEvent>());

    public long InboxSeq { get; init; }

    /// <summary>The delivery cursor: every inbox message up to here reached a socket of this user (seed-000 backlog).</summary>
    public long DeliveredThrough { get; init; }

    /// <summary>
    /// The last <see cref="RecentInboxCapacity"/> inbox messages, either way, without their bodies: the client ids that
    /// answer a resend instead of storing it again (this user's sends, and each sender's retries after a crash), recalls
    /// and unread counts. Bodies are read back from the journal.
    /// </summary>
    public InboxWindow RecentInbox { get; init; } = InboxWindow.Empty(RecentInboxCapacity);

    /// <summary>
    /// Inbox sequence numbers of every recalled message, however old: what a forward read of the journal (sync, backlog)
    /// cannot know at read time, since a recall is stored after its message. One number per recall, kept in snapshots.
    /// </summary>
    public ImmutableSortedSet<long> RecalledSeqs { get => _settled.RecalledSeqs; init => _settled = _settled with { RecalledSeqs = value }; }

    /// <summary>The inbox's latest recalls, for devices that held the message and were away when it was recalled.</summary>
    public ImmutableList<RecallNote> RecentRecalls { get => _settled.RecentRecalls; init => _settled = _settled with { RecentRecalls = value }; }

    private sealed partial record Settled
    {
        public ImmutableSortedSet<long> RecalledSeqs { get; init; } = [];
        public ImmutableList<RecallNote> RecentRecalls { get; init; } = [];
    }

    /// <summary>The next inbox message, stamped with the next dense sequence number.</summary>
    public DirectMessage NextInboxMessage(UserId sender, UserId recipient, ChatPayload payload, DateTimeOffset at, long messageId, string cid) =>
        new(InboxSeq + 1, sender, recipient, payload, at, messageId, cid);

    /// <summary>
    /// This user's own stored copy of <paramref name="send"/> when it is a resend (its cid is still remembered). The body
    /// is the resend's: a client resends what it sent, and the window keeps no bodies.
    /// </summary>
    public DirectMessage? ResentBySelf(SendDirect send) => RecentInbox.SentWith(send.Cid)?.ToMessage(Id, send.Payload);

    /// <summary>The stored incoming copy of <paramref name="sender"/>'s send with client id <paramref name="cid"/>, if still remembered.</summary>
    public InboxEntry? ResentBy(UserId sender, string cid) => RecentInbox.ReceivedWith(sender, cid);

    public bool IsRecalledSeq(long seq) => RecalledSeqs.Contains(seq);

    /// <summary>
    /// A 1:1 message from this user: <see cref="StoreAtRecipient"/>, the stored copy of a resend, or a
    /// <see cref="ChatRefused"/> for the sending socket, whose code is decided here.
    /// </summary>
    /// <remarks>
    /// A resend of a message already stored is answered with its stored copy before anything else is checked: whatever
    /// changed since (a friendship ended or a block began while the socket's acknowledgement was lost with a moving
    /// entity, too many sends in flight), the message was delivered, and the client must not be told it was refused.
    /// </remarks>
    /// <param name="busy">The entity has too many sends waiting for their recipients.</param>
    public Decision Decide(SendDirect cmd, bool busy)
    {
        if (ResentBySelf(cmd) is { } resent) return Decision.Reply(new DirectAccepted(cmd.ReplyTag, resent));
        var recipient = cmd.RecipientId;
        if (Exists && Blocked.Contains(recipient))
            return RefuseDirect(cmd, "blocked", $"you have blocked user {recipient}; unblock them to message them");
        if (!Exists) return RefuseDirect(cmd, RefusalCodes.Refused, $"user {Id} does not exist");
        if (recipient == Id) return RefuseDirect(cmd, RefusalCodes.Refused, "you cannot message yourself");
        if (!Friends.Contains(recipient)) return RefuseDirect(cmd, "not-friend", $"user {recipient} is not your friend");
        if (cmd.Payload.TextLength > ChatPayload.MaxTextLength) return RefuseDirect(cmd, RefusalCodes.Refused, "message is too long");
        if (busy) return RefuseDirect(cmd, RefusalCodes.Refused, "too many messages in flight, slow down");
        return StoreAtRecipient;
    }

    /// <summary>From the sender's entity: store the incoming copy (once per (sender, cid)) and confirm it to that entity.</summary>
    public Decision Decide(StoreIncomingDirect cmd)
    {
        var resent = ResentBy(cmd.SenderId, cmd.Cid);
        if (Blocked.Contains(cmd.SenderId) && resent is null)
            return Decision.Reply(new IncomingDirectRefused(Id, cmd.SenderId, cmd.Correlation, "blocked", $"user {Id} has blocked you"));
        if (!Exists) return Decision.Reply(new IncomingDirectRefused(Id, cmd.SenderId, cmd.Correlation, RefusalCodes.NotFound, $"user {Id} does not exist"));
        if (resent is { } stored) return Decision.Reply(new IncomingDirectStored(Id, cmd.SenderId, cmd.Correlation, stored.Seq, stored.MessageId, stored.At));
        var message = NextInboxMessage(cmd.SenderId, Id, cmd.Payload, cmd.At, cmd.MessageId, cmd.Cid);
        return Decision.Store(new DirectMessageStored(message), new IncomingDirectStored(Id, cmd.SenderId, cmd.Correlation, message.Seq, message.MessageId, message.At));
    }

    /// <summary>
    /// The recipient stored <paramref name="send"/>: store this user's own copy with the same id and time. The reply is the
    /// sending socket's <see cref="DirectAccepted"/> (the copy stored before, when a resend already had one).
    /// </summary>
    public Decision Decide(IncomingDirectStored stored, SendDirect send)
    {
        if (ResentBySelf(send) is { } existing) return Decision.Reply(new DirectAccepted(send.ReplyTag, existing));
        var message = NextInboxMessage(Id, send.RecipientId, send.Payload, stored.At, stored.MessageId, send.Cid);
        return Decision.Store(new DirectMessageStored(message), new DirectAccepted(send.ReplyTag, message));
    }

    /// <summary>The recipient refused: nothing is stored here either; the sending socket is told why, in the recipient's words.</summary>
    public static Decision Decide(IncomingDirectRefused refused, SendDirect send) =>
        Decision.Reply(new ChatRefused(send.ReplyTag, refused.Code, refused.Reason, send.Cid));

    /// <summary>The recipient did not confirm within the delivery timeout.</summary>
    public static Decision DirectTimedOut(SendDirect send) =>
        Decision.Reply(new ChatRefused(send.ReplyTag, "timeout", "the recipient did not confirm in time; send again", send.Cid));

    /// <summary>Recall this user's own message; the recipient's copy is recalled by <see cref="RecallIncoming"/>.</summary>
    public Decision Decide(RecallDirect cmd, DateTimeOffset now)
    {
        if (!Exists) return RefuseRecall(cmd, "unknown-user", $"user {Id} does not exist");
        if (RecentInbox.BySeq(cmd.Seq) is not { } message)
        {
            return cmd.Seq > InboxSeq || cmd.Seq <= 0
                ? RefuseRecall(cmd, "no-such-message", $"your inbox has no message {cmd.Seq}")
                : RefuseRecall(cmd, "recall-expired", "the message is too old to recall");
        }
        if (!message.Outgoing) return RefuseRecall(cmd, "not-yours", "you can only recall your own messages");
        var notice = new MessageRecalled(ConversationId.With(Id), message.Seq, message.MessageId);
        if (IsRecalledSeq(message.Seq)) return Decision.Reply(notice);
        if (now - message.At > RecallWindow) return RefuseRecall(cmd, "recall-expired", $"messages can be recalled for {RecallWindow.TotalMinutes:0} minutes");
        return Decision.Store(new DirectMessageRecalled(message.Seq, message.MessageId, now), notice)
            .Send(new RecallIncoming(message.Peer, Id, message.MessageId));
    }

    /// <summary>From the sender's entity: recall the incoming copy; its notice is pushed to this user's sockets.</summary>
    public Decision Decide(RecallIncoming cmd, DateTimeOffset now)
    {
        var copy = RecentInbox.LastWhere(m => m.MessageId == cmd.MessageId && !m.Outgoing && m.Peer == cmd.SenderId);
        if (copy is not { } incoming || IsRecalledSeq(incoming.Seq)) return Decision.Ignore;
        return Decision.Store(new DirectMessageRecalled(incoming.Seq, incoming.MessageId, now), new MessageRecalled(ConversationId.With(Id), incoming.Seq, incoming.MessageId));
    }

    private static Decision RefuseDirect(SendDirect cmd, string code, string reason) => Decision.Reply(new ChatRefused(cmd.ReplyTag, code, reason, cmd.Cid));

    private static Decision RefuseRecall(RecallDirect cmd, string code, string reason) => Decision.Reply(new ConversationRefused(code, reason, cmd.Cid));

    /// <summary>One copy of the state per stored message (this runs for every 1:1 message on both sides).</summary>
    private UserState AppendInbox(DirectMessage m) => this with
    {
        InboxSeq = m.Seq,
        RecentInbox = RecentInbox.Add(InboxEntry.Of(m, Id)),
        Peers = PeersWith(m),
    };

    private UserState ApplyRecall(DirectMessageRecalled r) => IsRecalledSeq(r.Seq) ? this : this with
    {
        RecalledSeqs = RecalledSeqs.Add(r.Seq),
        RecentRecalls = RecallNote.Append(RecentRecalls, new RecallNote(r.Seq, r.MessageId, InboxSeq)),
    };
}
