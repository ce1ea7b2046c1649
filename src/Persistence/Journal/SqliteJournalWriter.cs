namespace AkkaChat.Persistence.Journal;

using System.Threading.Channels;
using Microsoft.Data.Sqlite;

/// <summary>One journal row, serialized and ready to insert.</summary>
public readonly record struct JournalRow(string PersistenceId, long SequenceNr, byte[] Payload, string Manifest, int SerializerId, long Timestamp);

/// <summary>
/// The one writer of the SQLite journal: a dedicated thread that owns one connection and one prepared insert, and
/// commits whatever writes are waiting as a single transaction (group commit). While one commit is syncing, the
/// next batch gathers, so the cost of a commit is shared by every write that arrived meanwhile — SQLite has a single
/// writer anyway, so one thread doing only inserts and commits is as fast as it gets.
/// </summary>
/// <remarks>
/// A batch commits or rolls back whole. When it fails, each of its writes is retried on its own, so one bad write
/// (say, a sequence number stored twice) fails only the persist that made it, never its neighbours.
/// The writer never checkpoints the WAL itself (SQLite would do it inside a commit, every 1,000 pages, stalling every
/// persist behind it): a timer runs passive checkpoints on a connection of its own, which do not block commits.
/// </remarks>
public sealed class SqliteJournalWriter : IDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    /// <summary>How long a commit waits for the write lock held by another connection (the snapshot store, say).</summary>
    public const int BusyTimeoutMs = 10_000;

    private readonly Channel<Write> _writes;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _timestamp, _persistenceId, _sequenceNr, _payload, _manifest, _serializerId;
    private readonly int _maxRowsPerCommit;
    private readonly Thread _thread;
    private readonly Checkpointer _checkpointer;
    private long _rowsWritten;
    private long _commits;

    public SqliteJournalWriter(string connectionString, bool relaxedSync, int maxRowsPerCommit, int queueCapacity, TimeSpan checkpointInterval)
    {
        _maxRowsPerCommit = maxRowsPerCommit;
        _writes = Channel.CreateBounded<Write>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

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

        _thread = new Thread(Run) { IsBackground = true, Name = "akkachat-sqlite-journal" };
        _thread.Start();
    }

    /// <summary>Rows committed so far (for tests and metrics).</summary>
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    /// <summary>Transactions committed so far: <see cref="RowsWritten"/> divided by this is the mean group-commit size.</summary>
    public long Commits => Interlocked.Read(ref _commits);

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

    /// <summary>Stores <paramref name="rows"/> in one transaction (possibly shared with other writes); completes once committed.</summary>
    public async Task WriteAsync(IReadOnlyList<JournalRow> rows)
    {
        var write = new Write(rows);
        if (!_writes.Writer.TryWrite(write))
        {
            try
            {
                await _writes.Writer.WriteAsync(write);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(SqliteJournalWriter), "the SQLite journal is stopping");
            }
        }
        await write.Done.Task;
    }

    public void Dispose()
    {
        _writes.Writer.TryComplete();
        if (!_thread.Join(StopWait)) return; // still committing: leave the connection to the thread rather than pull it away
        _checkpointer.Dispose();
        _insert.Dispose();
        _connection.Dispose();
    }

    private void Run()
    {
        var batch = new List<Write>();
        var reader = _writes.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var rows = 0;
            while (rows < _maxRowsPerCommit && reader.TryRead(out var write))
            {
                batch.Add(write);
                rows += write.Rows.Count;
            }
            Commit(batch);
            batch.Clear();
        }
    }

    private void Commit(List<Write> batch)
    {
        try
        {
            Insert(batch);
            foreach (var write in batch) write.Done.TrySetResult();
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var write in batch) CommitAlone(write);
        }
        catch (Exception e)
        {
            batch[0].Done.TrySetException(e);
        }
    }

    private void CommitAlone(Write write)
    {
        try
        {
            Insert([write]);
            write.Done.TrySetResult();
        }
        catch (Exception e)
        {
            write.Done.TrySetException(e);
        }
    }

    private void Insert(List<Write> batch)
    {
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        var rows = 0;
        foreach (var write in batch)
        {
            foreach (var row in write.Rows)
            {
                _timestamp.Value = row.Timestamp;
                _persistenceId.Value = row.PersistenceId;
                _sequenceNr.Value = row.SequenceNr;
                _payload.Value = row.Payload;
                _manifest.Value = row.Manifest;
                _serializerId.Value = row.SerializerId;
                _insert.ExecuteNonQuery();
                rows++;
            }
        }
        transaction.Commit();
        Interlocked.Add(ref _rowsWritten, rows);
        Interlocked.Increment(ref _commits);
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

    private sealed class Write(IReadOnlyList<JournalRow> rows)
    {
        public IReadOnlyList<JournalRow> Rows { get; } = rows;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
