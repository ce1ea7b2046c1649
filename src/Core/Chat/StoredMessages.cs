namespace AkkaChat.Core.Chat;

using AkkaChat.Core.Ids;

/// <summary>
/// A 1:1 message as stored in one user's inbox stream. Write-diffusion: the same message is stored
/// twice, once in the recipient's inbox and once in the sender's, each with its own dense <see cref="Seq"/>.
/// </summary>
public sealed record DirectMessage(long Seq, UserId SenderId, UserId RecipientId, ChatPayload Payload, DateTimeOffset At);

/// <summary>A room message as stored once in the room's log (read-diffusion), with the log's dense <see cref="Seq"/>.</summary>
public sealed record RoomMessage(RoomId RoomId, long Seq, UserId SenderId, ChatPayload Payload, DateTimeOffset At);
