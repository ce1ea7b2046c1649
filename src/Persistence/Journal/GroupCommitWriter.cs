namespace AkkaChat.Persistence.Journal;

using System.Threading.Channels;
using AkkaChat.Core.Diagnostics;

/// <summary>One journal row, serialized and ready to insert.</summary>
public readonly record struct JournalRow(string PersistenceId, long SequenceNr, byte[] Payload, string Manifest, int SerializerId, long Timestamp);

/// <summary>
/// The one writer of a journal: a dedicated thread that owns one connection and commits whatever writes are waiting as
/// a single transaction (group commit). While one commit is syncing, the next batch gathers, so the cost of a commit
/// is shared by every write that arrived meanwhile. Subclasses say how a batch of rows is inserted and committed.
/// </summary>
/// <remarks>
/// A batch commits or rolls back whole. When it fails, each of its writes is retried on its own, so one bad write
/// (say, a sequence number stored twice) fails only the persist that made it, never its neighbours. Writes wait in a
/// bounded queue: when it is full, persists wait for room rather than buffer without bound.
/// </remarks>
public abstract class GroupCommitWriter : IDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private readonly Channel<IWrite> _writes;
    private readonly int _maxRowsPerCommit;
    private readonly Thread _thread;
    private readonly List<JournalRow> _rows = []; // the rows of the batch being committed (writer thread only)
    private long _rowsWritten;
    private long _commits;

    protected GroupCommitWriter(int maxRowsPerCommit, int queueCapacity, string threadName)
    {
        _maxRowsPerCommit = maxRowsPerCommit;
        _writes = Channel.CreateBounded<IWrite>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
    }

    /// <summary>Rows committed so far (for tests and metrics).</summary>
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    /// <summary>Transactions committed so far: <see cref="RowsWritten"/> divided by this is the mean group-commit size.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Stores <paramref name="rows"/> in one transaction (possibly shared with other writes); completes once committed.</summary>
    public Task WriteAsync(IReadOnlyList<JournalRow> rows) => WriteAsync(rows, true);

    /// <summary>
    /// Stores <paramref name="rows"/> like <see cref="WriteAsync(IReadOnlyList{JournalRow})"/>; the task completes with
    /// <paramref name="result"/> once committed. The write is its own task source: a persist costs no state machine here.
    /// </summary>
    public Task<T> WriteAsync<T>(IReadOnlyList<JournalRow> rows, T result)
    {
        var write = new Write<T>(rows, result);
        return _writes.Writer.TryWrite(write) ? write.Task : WaitForRoomAsync(write);
    }

    private async Task<T> WaitForRoomAsync<T>(Write<T> write)
    {
        try
        {
            await _writes.Writer.WriteAsync(write);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(GetType().Name, "the journal is stopping");
        }
        return await write.Task;
    }

    /// <summary>Commits what is queued, stops the thread (bounded wait) and releases the connection.</summary>
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        if (!_thread.Join(StopWait)) return; // still committing: leave the connection to the thread rather than pull it away
        ReleaseConnection();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the writer thread; the subclass calls it once its connection is ready.</summary>
    protected void Start() => _thread.Start();

    /// <summary>Inserts every row of <paramref name="rows"/> and commits them as one transaction, or throws having stored none.</summary>
    protected abstract void InsertAndCommit(IReadOnlyList<JournalRow> rows);

    /// <summary>Releases the connection and anything else the writer thread used (the thread has ended).</summary>
    protected abstract void ReleaseConnection();

    private void Run()
    {
        var batch = new List<IWrite>();
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

    private void Commit(List<IWrite> batch)
    {
        try
        {
            Store(batch);
            foreach (var write in batch) write.Committed();
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var write in batch) CommitAlone(write);
        }
        catch (Exception e)
        {
            batch[0].Failed(e);
        }
    }

    private void CommitAlone(IWrite write)
    {
        try
        {
            Store([write]);
            write.Committed();
        }
        catch (Exception e)
        {
            write.Failed(e);
        }
    }

    /// <summary>Inserts the batch's rows in order, gathered into one list the writer thread reuses.</summary>
    private void Store(List<IWrite> batch)
    {
        _rows.Clear();
        foreach (var write in batch) _rows.AddRange(write.Rows);
        InsertAndCommit(_rows);
        ChatMeter.BatchCommitted(_rows.Count);
        Interlocked.Add(ref _rowsWritten, _rows.Count);
        Interlocked.Increment(ref _commits);
    }

    private interface IWrite
    {
        IReadOnlyList<JournalRow> Rows { get; }

        void Committed();

        void Failed(Exception e);
    }

    private sealed class Write<T>(IReadOnlyList<JournalRow> rows, T result)
        : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IWrite
    {
        public IReadOnlyList<JournalRow> Rows { get; } = rows;

        public void Committed() => TrySetResult(result);

        public void Failed(Exception e) => TrySetException(e);
    }
}
