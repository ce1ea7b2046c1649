namespace AkkaChat.Persistence.Journal;

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Microsoft.Data.Sqlite;

/// <summary>
/// An Akka.Persistence journal on one SQLite file, written through <see cref="SqliteJournalWriter"/>'s prepared insert
/// and group commits, and read with plain prepared queries. It keeps Akka.Persistence.Sql's table layout (see
/// <see cref="SqliteJournalSchema"/>), so the SQL read journal and snapshot store keep working on the same file.
/// Why it exists: on this workload Akka.Persistence.Sql spent most of its time building linq2db query and mapping
/// objects per batch (docs/BENCHMARKS.md); this path does the same inserts with none of that.
/// </summary>
/// <remarks>
/// HOCON (under the plugin's path): <c>connection-string</c>, <c>synchronous</c> (full | normal), the writer's
/// <see cref="GroupCommitSettings"/>, <c>max-concurrent-reads</c>, <see cref="WalSettings"/>.
/// </remarks>
public sealed class SqliteJournal : GroupCommitJournal
{
    private readonly bool _relaxedSync;
    private readonly SqliteJournalWriter _writer;
    private readonly SemaphoreSlim _reads;

    public SqliteJournal(Config config)
        : base(config, "SQLite")
    {
        _relaxedSync = config.GetString("synchronous", "full").Equals("normal", StringComparison.OrdinalIgnoreCase);
        _writer = new SqliteJournalWriter(
            ConnectionString,
            _relaxedSync,
            Commits,
            new WalSettings(
                config.GetTimeSpan("checkpoint-interval", TimeSpan.FromSeconds(1)),
                config.GetByteSize("wal-restart-size", null) ?? 128L << 20));
        _reads = new SemaphoreSlim(config.GetInt("max-concurrent-reads", 8));
    }

    protected override GroupCommitWriter Writer => _writer;

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0 || toSequenceNr < fromSequenceNr) return Task.CompletedTask;
        return ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT sequence_nr, timestamp, payload, manifest, serializer_id FROM {SqliteJournalSchema.Table}
                WHERE persistence_id = $id AND sequence_nr >= $from AND sequence_nr <= $to AND is_deleted = 0
                ORDER BY sequence_nr LIMIT $max
                """;
            command.Parameters.AddWithValue("$id", persistenceId);
            command.Parameters.AddWithValue("$from", fromSequenceNr);
            command.Parameters.AddWithValue("$to", toSequenceNr);
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var manifest = reader.IsDBNull(3) ? null : reader.GetString(3);
                recoveryCallback(Replayed(persistenceId, reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2], manifest, reader.GetInt32(4)));
            }
            return 0L;
        });
    }

    /// <summary>The highest sequence number ever stored for the id, deleted rows included (deletion keeps the last one).</summary>
    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT MAX(sequence_nr) FROM {SqliteJournalSchema.Table} WHERE persistence_id = $id";
            command.Parameters.AddWithValue("$id", persistenceId);
            return command.ExecuteScalar() is long highest ? highest : 0L;
        });

    /// <summary>Marks the rows up to <paramref name="toSequenceNr"/> deleted and removes all but the highest of them.</summary>
    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                UPDATE {SqliteJournalSchema.Table} SET is_deleted = 1 WHERE persistence_id = $id AND sequence_nr <= $to;
                DELETE FROM {SqliteJournalSchema.Table} WHERE persistence_id = $id AND sequence_nr <= $to
                    AND sequence_nr < (SELECT MAX(sequence_nr) FROM {SqliteJournalSchema.Table} WHERE persistence_id = $id AND sequence_nr <= $to);
                """;
            command.Parameters.AddWithValue("$id", persistenceId);
            command.Parameters.AddWithValue("$to", toSequenceNr);
            command.ExecuteNonQuery();
            transaction.Commit();
            return 0L;
        });

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection of its own, off the journal's thread (Microsoft.Data.Sqlite is
    /// synchronous underneath), at most <c>max-concurrent-reads</c> at a time. WAL mode lets these read while the
    /// writer commits.
    /// </summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work)
    {
        await _reads.WaitAsync();
        try
        {
            return await Task.Run(() =>
            {
                using var connection = SqliteJournalWriter.Open(ConnectionString, _relaxedSync);
                return work(connection);
            });
        }
        finally
        {
            _reads.Release();
        }
    }
}
