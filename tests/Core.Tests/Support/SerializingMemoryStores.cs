namespace AkkaChat.Core.Tests.Support;

using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Snapshot;
using AkkaChat.Persistence.Serialization;
using AkkaSerialization = Akka.Serialization.Serialization;

/// <summary>
/// The stock in-memory journal keeps the very objects it is given, so recovery would never touch the
/// serializer. This one stores what <see cref="ChatEventSerializer"/> reads back, as a real journal would,
/// and fails the write of anything that would be persisted by another serializer.
/// </summary>
public sealed class SerializingMemoryJournal : MemoryJournal
{
    private readonly PersistedCopier _copier = new(Context.System.Serialization);

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var copies = messages
            .Select(write => new AtomicWrite(((IImmutableList<IPersistentRepresentation>)write.Payload)
                .Select(persistent => persistent.WithPayload(_copier.Copy(persistent.Payload)))
                .ToImmutableList()))
            .ToList();
        return base.WriteMessagesAsync(copies, cancellationToken);
    }
}

/// <summary>The snapshot-store counterpart of <see cref="SerializingMemoryJournal"/>.</summary>
public sealed class SerializingMemorySnapshotStore : MemorySnapshotStore
{
    private readonly PersistedCopier _copier = new(Context.System.Serialization);

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken) =>
        base.SaveAsync(metadata, _copier.Copy(snapshot), cancellationToken);
}

internal sealed class PersistedCopier(AkkaSerialization serialization)
{
    public object Copy(object value)
    {
        var serializer = serialization.FindSerializerFor(value);
        if (serializer is not ChatEventSerializer)
            throw new InvalidOperationException($"{value.GetType()} would be persisted by {serializer.GetType().Name}, not by {nameof(ChatEventSerializer)}");
        var manifest = AkkaSerialization.ManifestFor(serializer, value);
        return serialization.Deserialize(serializer.ToBinary(value), serializer.Identifier, manifest);
    }
}
