namespace AkkaChat.Persistence.Serialization;

using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using MessagePack;

/// <summary>
/// MessagePack serializer for every message that crosses nodes (<see cref="ClusterMessages"/>). These are transient:
/// only nodes of the same or an adjacent version read them, so bodies are written from the records themselves
/// (no schema file), keyed by property name for tolerance. Only types in the registry are written or read.
/// </summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    private readonly MessagePackSerializerOptions _options;

    public ClusterMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _options = MessagePackSerializerOptions.Standard
            .WithResolver(ClusterMessageResolver.For(system))
            .WithCompression(MessagePackCompression.None);
    }

    public override int Identifier => ChatSerialization.ClusterSerializerId;

    public override string Manifest(object o) =>
        ClusterMessages.Manifests.TryGetValue(o.GetType(), out var manifest) ? manifest : throw Unsupported(o.GetType());

    public override byte[] ToBinary(object obj)
    {
        var type = obj.GetType();
        if (!ClusterMessages.Manifests.ContainsKey(type)) throw Unsupported(type);
        return MessagePackSerializer.Serialize(type, obj, _options);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ClusterMessages.TypesByManifest.TryGetValue(manifest, out var type))
        {
            throw new SerializationException(
                $"{nameof(ClusterMessageSerializer)} does not know manifest '{manifest}'; the sending node runs a newer version.");
        }
        return MessagePackSerializer.Deserialize(type, bytes, _options)
            ?? throw new SerializationException($"'{manifest}' decoded to null");
    }

    private static ArgumentException Unsupported(Type type) =>
        new($"{nameof(ClusterMessageSerializer)} cannot serialize {type}; add it to {nameof(ClusterMessages)}.{nameof(ClusterMessages.Manifests)}.", nameof(type));
}
