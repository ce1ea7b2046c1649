namespace AkkaChat.Persistence.Journal;

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

/// <summary>
/// What AkkaChat's journals share whatever the database: persists are serialized on the journal's thread and handed to
/// one <see cref="GroupCommitWriter"/>, which commits everything waiting as one transaction. Subclasses own the writer
/// and the reads (recovery, highest sequence number, deletion), in the table layout of Akka.Persistence.Sql, so its
/// read journal and snapshot store keep working on the same database. Tags are not supported: a tagged event is
/// rejected (the persist fails with a clear reason; nothing is stored).
/// </summary>
public abstract class GroupCommitJournal : AsyncWriteJournal
{
    protected GroupCommitJournal(Config config, string name)
    {
        ConnectionString = config.GetString("connection-string", "");
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new ConfigurationException($"the {name} journal needs a connection-string");
        Serialization = Context.System.Serialization;
    }

    protected string ConnectionString { get; }

    protected Akka.Serialization.Serialization Serialization { get; }

    /// <summary>The writer; created by the subclass's constructor.</summary>
    protected abstract GroupCommitWriter Writer { get; }

    protected override void PostStop()
    {
        Writer.Dispose();
        base.PostStop();
    }

    /// <summary>
    /// Serializes each write here, on the journal's thread (a payload that cannot be serialized is rejected on its own),
    /// then hands all of this call's rows to the writer as one unit: they commit together or not at all.
    /// </summary>
    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var timestamp = DateTime.UtcNow.Ticks;
        var rows = new List<JournalRow>(messages.TryGetNonEnumeratedCount(out var count) ? count : 4); // a write is one event, mostly
        List<Exception?>? rejections = null; // one entry per write, from the first rejection on
        var writes = 0;
        foreach (var write in messages)
        {
            var payloads = (IImmutableList<IPersistentRepresentation>)write.Payload;
            var first = rows.Count;
            try
            {
                for (var i = 0; i < payloads.Count; i++) rows.Add(Serialize(payloads[i], timestamp));
                rejections?.Add(null);
            }
            catch (Exception e)
            {
                rows.RemoveRange(first, rows.Count - first); // a write is stored whole or not at all
                rejections ??= [.. Enumerable.Repeat<Exception?>(null, writes)];
                rejections.Add(e);
            }
            writes++;
        }

        // Null tells Akka.Persistence that every write of the call was stored; a list names the rejected ones.
        var result = rejections?.ToImmutableList();
        return rows.Count == 0 ? Task.FromResult<IImmutableList<Exception?>>(result!) : Writer.WriteAsync<IImmutableList<Exception?>>(rows, result!);
    }

    private JournalRow Serialize(IPersistentRepresentation message, long timestamp)
    {
        if (message.Payload is Tagged)
            throw new NotSupportedException("AkkaChat's journals do not store tags");
        var serializer = Serialization.FindSerializerFor(message.Payload);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message.Payload);
        return new JournalRow(message.PersistenceId, message.SequenceNr, serializer.ToBinary(message.Payload), manifest, serializer.Identifier, timestamp);
    }

    /// <summary>A stored row as recovery replays it.</summary>
    protected IPersistentRepresentation Replayed(string persistenceId, long sequenceNr, long timestamp, byte[] payload, string? manifest, int serializerId) =>
        new Persistent(Serialization.Deserialize(payload, serializerId, manifest ?? ""), sequenceNr, persistenceId, manifest ?? "", false, ActorRefs.NoSender, null, timestamp);
}
