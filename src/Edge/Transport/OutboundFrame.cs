namespace AkkaChat.Edge.Transport;

using System.Buffers;

/// <summary>
/// One encoded frame on a socket's outbound queue (<see cref="SocketSession"/>): its bytes and, for a pooled frame, the
/// array they were rented in, which the session gives back to its pool once the socket has taken the frame.
/// </summary>
/// <remarks>
/// Only a frame one socket owns alone may be pooled: the 1:1 push and the ack of a stored message, encoded for this
/// socket and sent nowhere else, are most of the frames on the 1:1 path. Everything else is shared (<see cref="Rented"/> is
/// null) and never returned: static frames (<c>V2Frames.Pong</c>), a room's frame that every subscribed socket sends
/// (<see cref="Protocols.RoomFrame"/>), and whatever a producer keeps or hands to more than one session. A byte array or
/// memory converts implicitly to a shared frame, so a frame is pooled only where its producer says so.
/// </remarks>
public readonly struct OutboundFrame
{
    private OutboundFrame(ReadOnlyMemory<byte> bytes, byte[]? rented)
    {
        Bytes = bytes;
        Rented = rented;
    }

    /// <summary>What the socket sends.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>
    /// The array <see cref="Bytes"/> lie in when it was rented from the session's pool (<see cref="ArrayPool{T}.Shared"/>
    /// unless a test gives the session its own); null for a shared frame, which must never be returned.
    /// </summary>
    public byte[]? Rented { get; }

    /// <summary>A frame in the first <paramref name="length"/> bytes of <paramref name="rented"/>, rented by its producer and owned by the session from now on.</summary>
    public static OutboundFrame Pooled(byte[] rented, int length) => new(rented.AsMemory(0, length), rented);

    /// <summary>A frame that may be sent by other sockets too, or kept: the session never returns its bytes.</summary>
    public static OutboundFrame Shared(ReadOnlyMemory<byte> bytes) => new(bytes, null);

    public static implicit operator OutboundFrame(byte[] shared) => Shared(shared);

    public static implicit operator OutboundFrame(ReadOnlyMemory<byte> shared) => Shared(shared);
}
