namespace AkkaChat.Persistence.Snapshots;

using Akka.Persistence;
using AkkaChat.Persistence.Journal;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

/// <summary>A snapshot row as stored: the snapshot object still serialized.</summary>
public sealed record SnapshotRow(string PersistenceId, long SequenceNr, long CreatedTicks, byte[] Payload, string Manifest, int? SerializerId);

/// <summary>
/// One SQLite connection of <see cref="SqliteSnapshotStore"/> with its statements, prepared once when it opens and
/// stepped on SQLite's own API, used by one operation at a time (<see cref="RunAsync{T}"/>). Linq2db, behind
/// Akka.Persistence.Sql's store, built and mapped its query objects anew for every save and every deletion.
/// </summary>
public sealed class SqliteSnapshotConnection : IDisposable
{
    // Parameter positions: the row's columns in the insert; the id and the criteria's bounds in the others.
    private const int Id = 1, SequenceNr = 2, Created = 3, Payload = 4, Manifest = 5, SerializerId = 6;
    private const int MaxSequenceNr = 2, MinSequenceNr = 3, MaxCreated = 4, MinCreated = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _save, _deleteOne, _deleteMatching, _loadNewest;
    private bool _disposed;

    public SqliteSnapshotConnection(string connectionString, bool relaxedSync)
    {
        _connection = SqliteJournalWriter.Open(connectionString, relaxedSync);
        _db = _connection.Handle!;
        var matching = $"""
            persistence_id = ?{Id} AND sequence_nr <= ?{MaxSequenceNr} AND sequence_nr >= ?{MinSequenceNr}
            AND created_at <= ?{MaxCreated} AND created_at >= ?{MinCreated}
            """;
        // A snapshot saved again at its sequence number replaces the one stored there, as Akka.Persistence.Sql's
        // InsertOrReplace does.
        _save = Prepare($"""
            INSERT OR REPLACE INTO {SqliteSnapshotSchema.Table} (persistence_id, sequence_nr, created_at, payload, manifest, serializer_id)
            VALUES (?{Id}, ?{SequenceNr}, ?{Created}, ?{Payload}, ?{Manifest}, ?{SerializerId})
            """);
        _deleteOne = Prepare($"DELETE FROM {SqliteSnapshotSchema.Table} WHERE persistence_id = ?{Id} AND sequence_nr = ?{SequenceNr} AND created_at <= ?{Created}");
        _deleteMatching = Prepare($"DELETE FROM {SqliteSnapshotSchema.Table} WHERE {matching}");
        _loadNewest = Prepare($"""
            SELECT sequence_nr, created_at, payload, manifest, serializer_id FROM {SqliteSnapshotSchema.Table}
            WHERE {matching} ORDER BY sequence_nr DESC LIMIT 1
            """);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on this connection off the caller's thread (SQLite is synchronous, and the caller is
    /// the store's actor), after every operation started before it has ended: one statement in use at a time.
    /// </summary>
    public Task<T> RunAsync<T>(Func<SqliteSnapshotConnection, T> work, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return work(this);
            }
            finally
            {
                _gate.Release();
            }
        }, cancellationToken);

    /// <summary>Stores <paramref name="row"/>, replacing a snapshot stored at the same sequence number.</summary>
    public int Save(SnapshotRow row)
    {
        Bind(_save, Id, row.PersistenceId);
        Check(raw.sqlite3_bind_int64(_save, SequenceNr, row.SequenceNr));
        Check(raw.sqlite3_bind_int64(_save, Created, row.CreatedTicks));
        Check(raw.sqlite3_bind_blob(_save, Payload, row.Payload));
        Bind(_save, Manifest, row.Manifest);
        Check(row.SerializerId is { } serializerId ? raw.sqlite3_bind_int(_save, SerializerId, serializerId) : raw.sqlite3_bind_null(_save, SerializerId));
        return Execute(_save);
    }

    /// <summary>
    /// Deletes the snapshot at <paramref name="sequenceNr"/> if it is not newer than <paramref name="timestamp"/>, or
    /// whatever its time when <paramref name="timestamp"/> is <see cref="DateTime.MinValue"/> (Akka.Persistence.Sql's rule).
    /// </summary>
    public int DeleteOne(string persistenceId, long sequenceNr, DateTime timestamp)
    {
        Bind(_deleteOne, Id, persistenceId);
        Check(raw.sqlite3_bind_int64(_deleteOne, SequenceNr, sequenceNr));
        Check(raw.sqlite3_bind_int64(_deleteOne, Created, timestamp == DateTime.MinValue ? DateTime.MaxValue.Ticks : timestamp.Ticks));
        return Execute(_deleteOne);
    }

    /// <summary>Deletes every snapshot of <paramref name="persistenceId"/> within all four bounds of <paramref name="criteria"/>.</summary>
    public int DeleteMatching(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        BindMatching(_deleteMatching, persistenceId, criteria);
        return Execute(_deleteMatching);
    }

    /// <summary>The snapshot of <paramref name="persistenceId"/> with the highest sequence number within all four bounds of <paramref name="criteria"/>, if any.</summary>
    public SnapshotRow? LoadNewest(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        try
        {
            BindMatching(_loadNewest, persistenceId, criteria);
            var step = raw.sqlite3_step(_loadNewest);
            if (step == raw.SQLITE_DONE) return null;
            if (step != raw.SQLITE_ROW) Check(step);
            return new SnapshotRow(
                persistenceId,
                raw.sqlite3_column_int64(_loadNewest, 0),
                raw.sqlite3_column_int64(_loadNewest, 1),
                raw.sqlite3_column_blob(_loadNewest, 2).ToArray(), // NULL reads as empty
                raw.sqlite3_column_type(_loadNewest, 3) == raw.SQLITE_NULL ? "" : raw.sqlite3_column_text(_loadNewest, 3).utf8_to_string(),
                raw.sqlite3_column_type(_loadNewest, 4) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int(_loadNewest, 4));
        }
        finally
        {
            // Reset ends the statement's read: a statement left on its row would hold the WAL back from checkpoints.
            raw.sqlite3_reset(_loadNewest);
        }
    }

    private void BindMatching(sqlite3_stmt statement, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        Bind(statement, Id, persistenceId);
        Check(raw.sqlite3_bind_int64(statement, MaxSequenceNr, criteria.MaxSequenceNr));
        Check(raw.sqlite3_bind_int64(statement, MinSequenceNr, criteria.MinSequenceNr));
        Check(raw.sqlite3_bind_int64(statement, MaxCreated, criteria.MaxTimeStamp.Ticks));
        Check(raw.sqlite3_bind_int64(statement, MinCreated, (criteria.MinTimestamp ?? DateTime.MinValue).Ticks));
    }

    private void Bind(sqlite3_stmt statement, int index, string text) => Check(raw.sqlite3_bind_text(statement, index, text));

    /// <summary>Steps a statement that returns no rows; the number of rows it changed.</summary>
    private int Execute(sqlite3_stmt statement)
    {
        SqliteStatements.StepDone(_db, statement);
        return raw.sqlite3_changes(_db); // a reset keeps the count of the statement that completed last
    }

    private sqlite3_stmt Prepare(string sql) => SqliteStatements.Prepare(_db, sql);

    private void Check(int rc) => SqliteStatements.Check(_db, rc);

    /// <summary>Closes the connection once the operation running on it (if any) has ended; later ones fail.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _save.Dispose();
            _deleteOne.Dispose();
            _deleteMatching.Dispose();
            _loadNewest.Dispose();
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
