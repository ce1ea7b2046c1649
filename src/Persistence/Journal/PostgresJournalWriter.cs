namespace AkkaChat.Persistence.Journal;

using System.Data;
using Npgsql;
using NpgsqlTypes;

/// <summary>
/// The one writer of the PostgreSQL journal: one connection on <see cref="GroupCommitWriter"/>'s thread that stores
/// each group of writes with a binary <c>COPY</c> inside one transaction — one round trip and one WAL flush for the
/// whole group. A connection broken by a database restart is opened again for the next group.
/// </summary>
public sealed class PostgresJournalWriter : GroupCommitWriter
{
    private static readonly string Copy =
        $"COPY {PostgresJournalSchema.Table} (created_at, is_deleted, persistence_id, sequence_nr, payload, manifest, serializer_id) FROM STDIN (FORMAT BINARY)";

    private readonly NpgsqlConnection _connection;

    public PostgresJournalWriter(string connectionString, GroupCommitSettings commits)
        : base(commits, "akkachat-postgres-journal")
    {
        _connection = new NpgsqlConnection(connectionString);
        _connection.Open();
        PostgresJournalSchema.Ensure(_connection);
        Start();
    }

    protected override void InsertAndCommit(IReadOnlyList<JournalRow> rows)
    {
        if (_connection.State != ConnectionState.Open)
        {
            _connection.Close();
            _connection.Open();
        }
        using var transaction = _connection.BeginTransaction();
        using (var importer = _connection.BeginBinaryImport(Copy))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                importer.StartRow();
                importer.Write(row.Timestamp, NpgsqlDbType.Bigint);
                importer.Write(false, NpgsqlDbType.Boolean);
                importer.Write(row.PersistenceId, NpgsqlDbType.Text);
                importer.Write(row.SequenceNr, NpgsqlDbType.Bigint);
                importer.Write(row.Payload, NpgsqlDbType.Bytea);
                importer.Write(row.Manifest, NpgsqlDbType.Text);
                importer.Write(row.SerializerId, NpgsqlDbType.Integer);
            }
            importer.Complete();
        }
        transaction.Commit();
    }

    /// <summary>A data exception or an integrity constraint (classes 22 and 23); the rest are the server's or the connection's.</summary>
    protected override bool IsRowError(Exception failure) =>
        failure is PostgresException { SqlState: var state } && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal));

    protected override void ReleaseConnection() => _connection.Dispose();
}
