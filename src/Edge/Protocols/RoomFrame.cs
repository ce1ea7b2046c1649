namespace AkkaChat.Edge.Protocols;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Edge.Protocols.Seed000;
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

    public RoomMessage Message => message;
    public IActorRef? Origin => origin;
    public byte[] Seed000 => _seed000.Value;
    public ReadOnlyMemory<byte> V2 => _v2.Value;
}
