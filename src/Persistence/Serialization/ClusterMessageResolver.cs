namespace AkkaChat.Persistence.Serialization;

using Akka.Actor;
using AkkaChat.Core.Ids;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

/// <summary>
/// How <see cref="ClusterMessageSerializer"/> writes each value: typed ids as plain integers, instants as UTC ticks and offset, actor references as
/// their full path (resolved again by the receiving node; ask replies go to temp actors this way), and everything
/// else contractless: records as maps keyed by property name, so a reader skips fields it does not know and a
/// field missing from an older writer comes back as its default.
/// </summary>
internal static class ClusterMessageResolver
{
    public static IFormatterResolver For(ExtendedActorSystem system) => CompositeResolver.Create(
        [new ActorRefFormatter(system), new UserIdFormatter(), new RoomIdFormatter(), new InstantFormatter()],
        [ContractlessStandardResolver.Instance]);

    private sealed class ActorRefFormatter(ExtendedActorSystem system) : IMessagePackFormatter<IActorRef?>
    {
        public void Serialize(ref MessagePackWriter writer, IActorRef? value, MessagePackSerializerOptions options)
        {
            if (value is null) writer.WriteNil();
            else writer.Write(Akka.Serialization.Serialization.SerializedActorPath(value));
        }

        public IActorRef? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            reader.TryReadNil() ? null : system.Provider.ResolveActorRef(reader.ReadString());
    }

    /// <summary>The exact instant and offset, independent of the machine's time zone (MessagePack's own formatter goes through local time).</summary>
    private sealed class InstantFormatter : IMessagePackFormatter<DateTimeOffset>
    {
        public void Serialize(ref MessagePackWriter writer, DateTimeOffset value, MessagePackSerializerOptions options)
        {
            writer.WriteArrayHeader(2);
            writer.Write(value.UtcTicks);
            writer.Write((short)value.TotalOffsetMinutes);
        }

        public DateTimeOffset Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            if (reader.ReadArrayHeader() != 2) throw new MessagePackSerializationException("an instant is [utc ticks, offset minutes]");
            var utcTicks = reader.ReadInt64();
            var offset = TimeSpan.FromMinutes(reader.ReadInt16());
            return new DateTimeOffset(utcTicks + offset.Ticks, offset);
        }
    }

    private sealed class UserIdFormatter : IMessagePackFormatter<UserId>
    {
        public void Serialize(ref MessagePackWriter writer, UserId value, MessagePackSerializerOptions options) => writer.Write(value.Value);

        public UserId Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new(reader.ReadInt64());
    }

    private sealed class RoomIdFormatter : IMessagePackFormatter<RoomId>
    {
        public void Serialize(ref MessagePackWriter writer, RoomId value, MessagePackSerializerOptions options) => writer.Write(value.Value);

        public RoomId Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new(reader.ReadInt64());
    }
}
