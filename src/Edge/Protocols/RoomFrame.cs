namespace AkkaChat.Edge.Protocols;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.V2;

/// <summary>
/// A room message for every local socket subscribed to the room, encoded at most once per protocol on this node
/// (lazily: a protocol no local socket speaks is never encoded). The one type that names every protocol's encoding:
/// the node's fan-out (<see cref="Transport.RoomFanoutActor"/>) stays protocol-blind, and a new protocol adds its lazy here.
/// </summary>
public sealed class RoomFrame(RoomMessage message, IActorRef? origin) : INoSerializationVerificationNeeded
{
    private readonly Lazy<byte[]> _seed000 = new(() => Seed000Frames.EncodeRoom(message));
    private readonly Lazy<byte[]> _v2 = new(() => V2Frames.EncodeRoom(message));
    private Seed003Encoding? _seed003; // the connections of a node read and write it from their own threads

    public RoomMessage Message => message;
    public IActorRef? Origin => origin;
    public byte[] Seed000 => _seed000.Value;
    public ReadOnlyMemory<byte> V2 => _v2.Value;

    /// <summary>
    /// The seed-003 push, naming its sender by <paramref name="sender"/>: the node's connections share one profile cache, so
    /// the first of them encodes and the rest reuse those bytes (encoded again only if the profile they were given differs).
    /// </summary>
    public byte[] Seed003(PublicProfile? sender)
    {
        var encoded = Volatile.Read(ref _seed003);
        if (encoded is not null && Equals(encoded.Sender, sender)) return encoded.Frame;
        var fresh = new Seed003Encoding(sender, Seed003Frames.Ok(Seed003Types.Message, Seed003Frames.RoomItem(message, recalled: false, sender)));
        Volatile.Write(ref _seed003, fresh);
        return fresh.Frame;
    }

    private sealed record Seed003Encoding(PublicProfile? Sender, byte[] Frame);
}
