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
        var rows = new List<JournalRow>();
        var rejections = new List<Exception?>();
        var rejected = false;
        foreach (var write in messages)
        {
            var payloads = (IImmutableList<IPersistentRepresentation>)write.Payload;
            try
            {
                var serialized = new JournalRow[payloads.Count];
                for (var i = 0; i < serialized.Length; i++) serialized[i] = Serialize(payloads[i], timestamp);
                rows.AddRange(serialized);
                rejections.Add(null);
            }
            catch (Exception e)
            {
                rejections.Add(e);
                rejected = true;
            }
        }

        // Null tells Akka.Persistence that every write of the call was stored; a list names the rejected ones.
        var result = (IImmutableList<Exception?>?)(rejected ? rejections.ToImmutableList() : null);
        return rows.Count == 0
            ? Task.FromResult(result)!
            : StoreAsync(rows, result);
    }

    private async Task<IImmutableList<Exception?>> StoreAsync(List<JournalRow> rows, IImmutableList<Exception?>? rejections)
    {
        await Writer.WriteAsync(rows);
        return rejections!;
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
