namespace AkkaChat.LoadTest.Protocol;

using System.Buffers;
using AkkaChat.LoadTest.Sockets;

public enum InboundKind
{
    /// <summary>A chat message pushed to this socket.</summary>
    Chat,
    /// <summary>The server stored one of our messages (protocols with acks only).</summary>
    Ack,
    /// <summary>An error frame, e.g. rate-limited.</summary>
    Error,
    /// <summary>The server finished the socket's initial sync (v2 <c>synced</c>): the socket is ready.</summary>
    Synced,
    /// <summary>Anything else the protocol defines (presence, typing, pong, ...): ignored.</summary>
    Other,
    Malformed,
}

/// <summary>A decoded frame; <see cref="Content"/> points into the received buffer and is only valid during the callback.</summary>
public readonly ref struct InboundFrame
{
    public InboundKind Kind { get; init; }
    public long ServerSeq { get; init; }
    public long SenderUserId { get; init; }
    public int Cmd { get; init; }
    public long DstId { get; init; }
    public ReadOnlySpan<byte> Content { get; init; }
    public string? ErrorCode { get; init; }
    /// <summary>The client id the server refers to (error or ack), 0 when none.</summary>
    public long Ref { get; init; }
    /// <summary>Chat frames (v2): the client id the sender gave, as the harness's message number, 0 when none or not ours.</summary>
    public long ClientRef { get; init; }
    /// <summary><c>synced</c> (v2): where the inbox now stands.</summary>
    public long SyncedInbox { get; init; }
    /// <summary><c>synced</c> (v2): where each room now stands (room id, seq); null when none.</summary>
    public KeyValuePair<long, long>[]? SyncedRooms { get; init; }
}

/// <summary>
/// The wire protocol of a simulated client: seed-000 JSON over <c>/chat</c>, v2 with acks, client ids
/// and sequence numbers, or seed-003 protobuf over <c>/ws</c> or raw TCP; each plugs in here without touching the
/// scenarios (they read <see cref="HasAcks"/>).
/// </summary>
public interface IClientProtocol
{
    string Name { get; }

    /// <summary>How its frames travel: WebSocket text or binary messages, or length-prefixed TCP frames.</summary>
    FrameTransport Transport { get; }

    /// <summary>Whether the server acknowledges each stored message (then "acked" is counted and verified).</summary>
    bool HasAcks { get; }

    /// <summary>
    /// Whether the server also pushes a message back to the socket that sent it (v2: a socket sees every message of
    /// its streams, its inbox for 1:1 and the room's log for rooms); such a copy is matched to the send by sender
    /// socket and client id and not counted as a delivery.
    /// </summary>
    bool SenderGetsOwnCopy { get; }

    /// <summary>
    /// Whether a reconnecting socket resumes from the stream positions it reached (v2 <c>sync</c>), so each socket must
    /// track them; seed-000 replays what the server decides and needs none.
    /// </summary>
    bool ResumesFromPositions { get; }

    /// <summary>
    /// Frames to send right after connecting and to wait for <see cref="InboundKind.Synced"/> on: v2 resumes from
    /// <paramref name="positions"/> (all zero on a first connect), seed-003 signs in as the user from device
    /// <paramref name="device"/> (unique per socket); empty when none (seed-000).
    /// </summary>
    IReadOnlyList<ReadOnlyMemory<byte>> Handshake(long userId, string token, long device, StreamPositions positions);

    /// <summary>A frame to send on a socket that has sent nothing for <see cref="PingInterval"/>; empty when none (seed-000).</summary>
    ReadOnlyMemory<byte> PingFrame { get; }

    /// <summary>How long a socket may stay silent before it sends <see cref="PingFrame"/>; null when never.</summary>
    TimeSpan? PingInterval { get; }

    /// <summary>The WebSocket path and query for one user's socket (unused over TCP).</summary>
    string SocketPath(long userId, string token);

    /// <summary>Writes one chat frame (cmd 10 direct to a user, 11 to a room) carrying <paramref name="clientRef"/>.</summary>
    void WriteChat(IBufferWriter<byte> output, long clientRef, long senderUserId, int cmd, long dstId, ReadOnlySpan<byte> contentUtf8);

    InboundFrame Decode(ReadOnlySpan<byte> frame);
}

public static class ChatCommands
{
    public const int Direct = 10;
    public const int Room = 11;
}
