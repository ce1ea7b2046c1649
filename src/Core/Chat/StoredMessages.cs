namespace AkkaChat.Core.Chat;

using AkkaChat.Core.Ids;

/// <summary>
/// A 1:1 message as stored in one user's inbox stream. Write-diffusion: the same message is stored
/// twice, once in the recipient's inbox and once in the sender's, each with its own dense <see cref="Seq"/>.
/// Both copies share <see cref="MessageId"/> (server-assigned) and <see cref="Cid"/> (the sending client's id, or empty).
/// </summary>
public sealed record DirectMessage(long Seq, UserId SenderId, UserId RecipientId, ChatPayload Payload, DateTimeOffset At, long MessageId = 0, string Cid = "");

/// <summary>A room message as stored once in the room's log (read-diffusion), with the log's dense <see cref="Seq"/>.
/// <see cref="Cid"/> is the sending client's id for it (empty when the client sent none).</summary>
public sealed record RoomMessage(RoomId RoomId, long Seq, UserId SenderId, ChatPayload Payload, DateTimeOffset At, long MessageId = 0, string Cid = "");

/// <summary>Server message ids: random, positive, 63-bit; clients treat them as opaque strings.</summary>
public static class MessageIds
{
    public static long New() => Random.Shared.NextInt64(1, long.MaxValue);
}
