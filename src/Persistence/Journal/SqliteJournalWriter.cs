namespace AkkaChat.Persistence.Journal;

using Microsoft.Data.Sqlite;

/// <summary>
/// The one writer of the SQLite journal: one connection and one prepared insert on <see cref="GroupCommitWriter"/>'s
/// thread. SQLite has a single writer anyway, so one thread doing only inserts and commits is as fast as it gets.
/// </summary>
/// <remarks>
/// The writer never checkpoints the WAL itself (SQLite would do it inside a commit, every 1,000 pages, stalling every
/// persist behind it): a timer runs passive checkpoints on a connection of its own, which do not block commits.
/// </remarks>
public sealed class SqliteJournalWriter : GroupCommitWriter
{
    /// <summary>
    /// How long any SQLite connection of the node (the writer's, the journal's readers, linq2db's) waits for the write
    /// lock held by another before it gives up (SQLite's own busy handler).
    /// </summary>
    public const int BusyTimeoutMs = 10_000;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _timestamp, _persistenceId, _sequenceNr, _payload, _manifest, _serializerId;
    private readonly Checkpointer _checkpointer;

    public SqliteJournalWriter(string connectionString, bool relaxedSync, int maxRowsPerCommit, int queueCapacity, TimeSpan checkpointInterval)
        : base(maxRowsPerCommit, queueCapacity, "akkachat-sqlite-journal")
    {
        _connection = Open(connectionString, relaxedSync);
        Execute("PRAGMA wal_autocheckpoint=0;");
        SqliteJournalSchema.Ensure(_connection);
        _checkpointer = new Checkpointer(Open(connectionString, relaxedSync), checkpointInterval, () => Commits);

        _insert = _connection.CreateCommand();
        _insert.CommandText = $"""
            INSERT INTO {SqliteJournalSchema.Table} (timestamp, is_deleted, persistence_id, sequence_nr, payload, manifest, serializer_id)
            VALUES ($timestamp, 0, $persistence_id, $sequence_nr, $payload, $manifest, $serializer_id)
            """;
        _timestamp = _insert.Parameters.Add("$timestamp", SqliteType.Integer);
        _persistenceId = _insert.Parameters.Add("$persistence_id", SqliteType.Text);
        _sequenceNr = _insert.Parameters.Add("$sequence_nr", SqliteType.Integer);
        _payload = _insert.Parameters.Add("$payload", SqliteType.Blob);
        _manifest = _insert.Parameters.Add("$manifest", SqliteType.Text);
        _serializerId = _insert.Parameters.Add("$serializer_id", SqliteType.Integer);

        Start();
    }

    /// <summary>Opens a connection with the journal's durability and SQLite's own (fine-grained) busy handler.</summary>
    public static SqliteConnection Open(string connectionString, bool relaxedSync)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA synchronous={(relaxedSync ? "NORMAL" : "FULL")};";
        command.ExecuteNonQuery();
        return connection;
    }

    protected override void InsertAndCommit(IEnumerable<JournalRow> rows)
    {
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        foreach (var row in rows)
        {
            _timestamp.Value = row.Timestamp;
            _persistenceId.Value = row.PersistenceId;
            _sequenceNr.Value = row.SequenceNr;
            _payload.Value = row.Payload;
            _manifest.Value = row.Manifest;
            _serializerId.Value = row.SerializerId;
            _insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    protected override void ReleaseConnection()
    {
        _checkpointer.Dispose();
        _insert.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs <c>PRAGMA wal_checkpoint(PASSIVE)</c> every interval in which something was committed: it copies committed
    /// pages into the database file alongside the writer, so the WAL stays short and is reused from its start.
    /// </summary>
    private sealed class Checkpointer : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly Func<long> _commits;
        private readonly Timer _timer;
        private readonly Lock _gate = new();
        private long _checkpointedAt;
        private bool _disposed;

        public Checkpointer(SqliteConnection connection, TimeSpan interval, Func<long> commits)
        {
            _connection = connection;
            _commits = commits;
            _timer = new Timer(_ => Run(), null, interval, interval);
        }

        private void Run()
        {
            if (!_gate.TryEnter()) return; // the previous checkpoint is still running
            try
            {
                var commits = _commits();
                if (_disposed || commits == _checkpointedAt) return;
                using var command = _connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                command.ExecuteNonQuery();
                _checkpointedAt = commits;
            }
            catch (SqliteException)
            {
                // Busy or interrupted: the next tick tries again; the WAL only grows meanwhile.
            }
            finally
            {
                _gate.Exit();
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            lock (_gate)
            {
                _disposed = true;
                _connection.Dispose();
            }
        }
    }
}
