namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;

public static partial class UserCommands
{
    /// <summary>
    /// A 1:1 message from this user, arriving on <paramref name="Origin"/>. <paramref name="ReplyTag"/> is an opaque number
    /// the connection attaches to the send and gets back on its answer; <paramref name="Cid"/> the client's id for the
    /// message, which makes a resend idempotent (empty when the client has none).
    /// </summary>
    public sealed record SendDirect(UserId UserId, UserId RecipientId, ChatPayload Payload, long ReplyTag, IActorRef Origin, string Cid = "") : IWithUserId;

    /// <summary>From the sender's entity: store an incoming 1:1 message in this user's inbox and push it (once per (sender, cid)).</summary>
    public sealed record StoreIncomingDirect(UserId UserId, UserId SenderId, ChatPayload Payload, DateTimeOffset At, long Correlation, long MessageId, string Cid) : IWithUserId;
}

public static partial class UserEvents
{
    /// <summary>A 1:1 message stored in this user's inbox (incoming or outgoing copy).</summary>
    public sealed record DirectMessageStored(DirectMessage Message) : IChatEvent;

    /// <summary>Every inbox message up to <paramref name="UpTo"/> reached at least one of the user's sockets.</summary>
    public sealed record InboxDelivered(long UpTo) : IChatEvent;
}

public static partial class UserReplies
{
    /// <summary>The recipient's copy is stored (or was already); the sender's copy takes the same id and time.</summary>
    public sealed record IncomingDirectStored(UserId UserId, UserId SenderId, long Correlation, long Seq, long MessageId, DateTimeOffset At);
}

public static partial class ContactReplies
{
    /// <summary>To the sender's entity: the recipient did not store a 1:1 message (the sender is blocked).</summary>
    public sealed record IncomingDirectRefused(UserId UserId, UserId SenderId, long Correlation, string Code, string Reason);
}

public static partial class ConversationCommands
{
    /// <summary>Recall this user's own 1:1 message <paramref name="Seq"/> (in their own inbox stream).</summary>
    public sealed record RecallDirect(UserId UserId, long Seq, string Cid, IActorRef Origin) : IWithUserId;

    /// <summary>From the sender's entity: mark the incoming copy of <paramref name="MessageId"/> recalled.</summary>
    public sealed record RecallIncoming(UserId UserId, UserId SenderId, long MessageId) : IWithUserId;
}

public static partial class ConversationEvents
{
    /// <summary>The inbox message <paramref name="Seq"/> (id <paramref name="MessageId"/>) was recalled by its sender.</summary>
    public sealed record DirectMessageRecalled(long Seq, long MessageId, DateTimeOffset At) : IChatEvent;
}

public static partial class ConversationReplies
{
    /// <summary>Pushed to the sockets of a user whose message was recalled, or who recalled it on another device.</summary>
    public sealed record MessageRecalled(ConversationId Stream, long Seq, long MessageId);
}

public static partial class ConnectionPushes
{
    /// <summary>A 1:1 message for this user's device (incoming, or a copy of one sent from another device).</summary>
    public sealed record PushDirect(DirectMessage Message);

    /// <summary>The sender's own copy is stored: the message is durable on both sides.</summary>
    public sealed record DirectAccepted(long ReplyTag, DirectMessage Message);

    /// <summary>A message from this socket was refused; the socket stays open.</summary>
    public sealed record ChatRefused(long ReplyTag, string Code, string Reason, string Cid = "");
}
