namespace AkkaChat.Persistence.Journal;

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Npgsql;

/// <summary>
/// An Akka.Persistence journal on PostgreSQL, written through <see cref="PostgresJournalWriter"/> (binary COPY, group
/// commit) and read with plain queries on a pooled data source, in Akka.Persistence.Sql's <c>postgresql</c> table
/// layout (<see cref="PostgresJournalSchema"/>).
/// </summary>
/// <remarks>
/// HOCON (under the plugin's path): <c>connection-string</c> (Npgsql) and the writer's <see cref="GroupCommitSettings"/>.
/// </remarks>
public sealed class PostgresJournal : GroupCommitJournal
{
    private readonly PostgresJournalWriter _writer;
    private readonly NpgsqlDataSource _reads;

    public PostgresJournal(Config config)
        : base(config, "PostgreSQL")
    {
        _writer = new PostgresJournalWriter(ConnectionString, Commits);
        _reads = NpgsqlDataSource.Create(ConnectionString);
    }

    protected override GroupCommitWriter Writer => _writer;

    protected override void PostStop()
    {
        base.PostStop();
        _reads.Dispose();
    }

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0 || toSequenceNr < fromSequenceNr) return;
        await using var command = _reads.CreateCommand($"""
            SELECT sequence_nr, created_at, payload, manifest, serializer_id FROM {PostgresJournalSchema.Table}
            WHERE persistence_id = $1 AND sequence_nr >= $2 AND sequence_nr <= $3 AND NOT is_deleted
            ORDER BY sequence_nr LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromSequenceNr });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequenceNr });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = max });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var manifest = reader.IsDBNull(3) ? null : reader.GetString(3);
            recoveryCallback(Replayed(persistenceId, reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2], manifest, reader.GetInt32(4)));
        }
    }

    /// <summary>The highest sequence number ever stored for the id, deleted rows included (deletion keeps the last one).</summary>
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        await using var command = _reads.CreateCommand($"SELECT MAX(sequence_nr) FROM {PostgresJournalSchema.Table} WHERE persistence_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        return await command.ExecuteScalarAsync(cancellationToken) is long highest ? highest : 0L;
    }

    /// <summary>Marks the rows up to <paramref name="toSequenceNr"/> deleted and removes all but the highest of them.</summary>
    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE {PostgresJournalSchema.Table} SET is_deleted = true WHERE persistence_id = $1 AND sequence_nr <= $2;
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequenceNr });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var prune = new NpgsqlCommand($"""
            DELETE FROM {PostgresJournalSchema.Table} WHERE persistence_id = $1 AND sequence_nr <= $2
                AND sequence_nr < (SELECT MAX(sequence_nr) FROM {PostgresJournalSchema.Table} WHERE persistence_id = $1 AND sequence_nr <= $2)
            """, connection, transaction);
        prune.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        prune.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequenceNr });
        await prune.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
