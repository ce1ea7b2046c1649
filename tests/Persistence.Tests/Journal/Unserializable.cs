namespace AkkaChat.Persistence.Tests.Journal;

using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

/// <summary>An event no serializer can store: it is bound to <see cref="RefusingSerializer"/>.</summary>
public sealed record Unserializable(string Reason);

/// <summary>Throws on every <see cref="ToBinary"/>, the way a serializer fails on a type it cannot handle.</summary>
public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public override int Identifier => 9_001;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => throw new SerializationException($"refusing to serialize {obj}");

    public override object FromBinary(byte[] bytes, Type? type) => throw new SerializationException("nothing was ever serialized");
}
