namespace AkkaChat.Persistence.Journal;

using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;
using Microsoft.Data.Sqlite;

/// <summary>
/// Snapshots on the SQLite file of <see cref="SqliteJournal"/>, written by the journal's own writer thread in its
/// group commits (<see cref="SqliteJournalWriter.Acquire"/>), read on pooled connections. The table is
/// Akka.Persistence.Sql's (<see cref="SqliteJournalSchema"/>): a file written by either store is read by the other.
/// </summary>
/// <remarks>
/// Why not Akka.Persistence.Sql's store: it is a second writer of the file. SQLite has one write lock, and each
/// snapshot it saved or deleted made the journal's next commit wait for the lock in SQLite's busy handler; past the
/// knee commits fell to a few dozen a second (docs/BENCHMARKS.md). Here a snapshot is one more statement in the
/// journal's next transaction. HOCON: <c>journal</c>, the plugin path of the SQLite journal whose settings and writer it
/// shares.
/// </remarks>
public sealed class SqliteSnapshotStore : SnapshotStore
{
    private readonly IWriterLease _writer;
    private readonly SqliteReads _reads;
    private readonly Akka.Serialization.Serialization _serialization;

    public SqliteSnapshotStore(Config config)
    {
        var journalPath = config.GetString("journal", "akka.persistence.journal.sqlite");
        var settings = SqliteJournalSettings.From(Context.System.Settings.Config.GetConfig(journalPath));
        _writer = SqliteJournalWriter.Acquire(settings);
        _reads = new SqliteReads(settings);
        _serialization = Context.System.Serialization;
    }

    protected override Task<SelectedSnapshot> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        _reads.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT sequence_nr, created_at, payload, manifest, serializer_id FROM {SqliteJournalSchema.SnapshotTable}
                WHERE persistence_id = $id AND sequence_nr <= $maxSeq AND created_at <= $maxCreated
                ORDER BY sequence_nr DESC LIMIT 1
                """;
            command.Parameters.AddWithValue("$id", persistenceId);
            command.Parameters.AddWithValue("$maxSeq", criteria.MaxSequenceNr);
            command.Parameters.AddWithValue("$maxCreated", criteria.MaxTimeStamp.Ticks);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return null!; // Akka.Persistence's "no snapshot"
            var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), new DateTime(reader.GetInt64(1)));
            return new SelectedSnapshot(metadata, Deserialize(reader));
        });

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var serializer = _serialization.FindSerializerFor(snapshot);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, snapshot);
        return _writer.Writer.WriteAsync(new SnapshotSaved(
            metadata.PersistenceId, metadata.SequenceNr, metadata.Timestamp.Ticks, serializer.ToBinary(snapshot), manifest, serializer.Identifier));
    }

    /// <summary>The one snapshot at the metadata's sequence number (if it was taken no later than its timestamp, when it has one).</summary>
    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken) =>
        _writer.Writer.WriteAsync(new SnapshotsDeleted(
            metadata.PersistenceId, metadata.SequenceNr, metadata.SequenceNr, metadata.Timestamp > DateTime.MinValue ? metadata.Timestamp.Ticks : long.MaxValue));

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        _writer.Writer.WriteAsync(new SnapshotsDeleted(persistenceId, criteria.MinSequenceNr, criteria.MaxSequenceNr, criteria.MaxTimeStamp.Ticks));

    protected override void PostStop()
    {
        _writer.Dispose();
        base.PostStop();
    }

    /// <summary>A stored snapshot; one without a serializer id (written by an older Akka.Persistence.Sql) names its type instead.</summary>
    private object Deserialize(SqliteDataReader reader)
    {
        var payload = (byte[])reader[2];
        var manifest = reader.IsDBNull(3) ? "" : reader.GetString(3);
        if (!reader.IsDBNull(4)) return _serialization.Deserialize(payload, reader.GetInt32(4), manifest);
        var type = Type.GetType(manifest, throwOnError: true)!;
        return _serialization.FindSerializerForType(type).FromBinary(payload, type);
    }
}
