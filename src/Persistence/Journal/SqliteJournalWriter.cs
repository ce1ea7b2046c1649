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
/// </remarks>
public sealed class SqliteJournalWriter : IDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private readonly Channel<Write> _writes;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _timestamp, _persistenceId, _sequenceNr, _payload, _manifest, _serializerId;
    private readonly int _maxRowsPerCommit;
    private readonly Thread _thread;

    public SqliteJournalWriter(string connectionString, bool relaxedSync, int maxRowsPerCommit, int queueCapacity)
    {
        _maxRowsPerCommit = maxRowsPerCommit;
        _writes = Channel.CreateBounded<Write>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Execute(relaxedSync ? "PRAGMA synchronous=NORMAL;" : "PRAGMA synchronous=FULL;");
        SqliteJournalSchema.Ensure(_connection);

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

    private long _rowsWritten;
    private long _commits;

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

    private sealed class Write(IReadOnlyList<JournalRow> rows)
    {
        public IReadOnlyList<JournalRow> Rows { get; } = rows;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
