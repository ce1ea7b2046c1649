namespace AkkaChat.Persistence.Journal;

using System.Threading.Channels;
using AkkaChat.Core.Diagnostics;

/// <summary>One journal row, serialized and ready to insert.</summary>
public readonly record struct JournalRow(string PersistenceId, long SequenceNr, byte[] Payload, string Manifest, int SerializerId, long Timestamp);

/// <summary>
/// How a <see cref="GroupCommitWriter"/> groups commits; a journal reads them from its HOCON (<c>max-rows-per-commit</c>,
/// <c>queue-capacity</c>, <c>gather</c>, <c>gather-rows</c>), the same keys for either database.
/// </summary>
/// <param name="MaxRowsPerCommit">The most rows one transaction takes.</param>
/// <param name="QueueCapacity">Writes waiting for the writer; beyond this, <see cref="GroupCommitWriter.Enqueue"/> waits for room.</param>
/// <param name="Gather">
/// How long a busy writer waits for more writes before committing fewer than <paramref name="GatherRows"/> rows (whole
/// milliseconds; zero, the default, commits at once).
/// </param>
/// <param name="GatherRows">A busy writer with this many rows waiting commits them at once.</param>
public readonly record struct GroupCommitSettings(int MaxRowsPerCommit, int QueueCapacity, TimeSpan Gather = default, int GatherRows = 0);

/// <summary>
/// The one writer of a journal: a dedicated thread that owns one connection and commits whatever writes are waiting as
/// a single transaction (group commit). While one commit is syncing, the next batch gathers, so the cost of a commit
/// is shared by every write that arrived meanwhile. Subclasses say how a batch of rows is inserted and committed.
/// </summary>
/// <remarks>
/// <para>
/// A busy writer gathers (<see cref="GroupCommitSettings.Gather"/>): when the next writes were
/// already waiting as a commit ended, it waits a little for more before committing them. A commit costs much the same
/// whatever its size (the sync, the pages every transaction writes), so under load fewer, larger commits leave the
/// node's CPU to everything else; an idle writer commits at once.
/// </para>
/// <para>
/// A batch commits or rolls back whole. When it fails, each of its writes is retried on its own, so one bad write
/// (say, a sequence number stored twice) fails only the persist that made it, never its neighbours. Writes wait in a
/// bounded queue: when it is full, persists wait for room rather than buffer without bound.
/// </para>
/// </remarks>
public abstract class GroupCommitWriter : IDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private readonly Channel<PendingWrite> _writes;
    private readonly int _maxRowsPerCommit;
    private readonly int _gatherMs;
    private readonly int _gatherRows;
    private readonly Thread _thread;
    private readonly List<JournalRow> _rows = []; // the rows of the batch being committed (writer thread only)

    // Set after every write queued, reset by the writer before it sleeps. No spinning: blocking on the channel's task spins
    // and yields before it sleeps, every time the queue runs dry (after each commit at chat rates), and on a small box
    // that took a tenth of the sampled CPU with room traffic (docs/BENCHMARKS.md, issue 14).
    private readonly ManualResetEventSlim _queued = new(initialState: false, spinCount: 0);
    private long _rowsWritten;
    private long _commits;

    /// <param name="commits">How commits are grouped.</param>
    /// <param name="threadName">The writer thread's name.</param>
    protected GroupCommitWriter(GroupCommitSettings commits, string threadName)
    {
        _maxRowsPerCommit = commits.MaxRowsPerCommit;
        _gatherMs = (int)Math.Ceiling(commits.Gather.TotalMilliseconds);
        _gatherRows = Math.Min(commits.GatherRows, commits.MaxRowsPerCommit);
        _writes = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(commits.QueueCapacity)
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
    public Task WriteAsync(IReadOnlyList<JournalRow> rows)
    {
        var write = new TaskWrite(rows);
        Enqueue(write);
        return write.Task;
    }

    /// <summary>
    /// Queues <paramref name="write"/>; its <see cref="PendingWrite.Committed"/> or <see cref="PendingWrite.Failed"/> runs on
    /// a thread-pool thread, one work item per commit for all the writes it stored, never on the writer thread.
    /// </summary>
    public void Enqueue(PendingWrite write)
    {
        if (_writes.Writer.TryWrite(write)) _queued.Set();
        else _ = WaitForRoomAsync(write);
    }

    private async Task WaitForRoomAsync(PendingWrite write)
    {
        try
        {
            await _writes.Writer.WriteAsync(write);
            _queued.Set();
        }
        catch (ChannelClosedException)
        {
            write.Failed(new ObjectDisposedException(GetType().Name, "the journal is stopping"));
        }
    }

    /// <summary>Commits what is queued, stops the thread (bounded wait) and releases the connection.</summary>
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _queued.Set();
        if (!_thread.Join(StopWait)) return; // still committing: leave the connection to the thread rather than pull it away
        // _queued stays undisposed: a write racing the stop may still set it, and it holds no handle unless asked for one.
        ReleaseConnection();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the writer thread; the subclass calls it once its connection is ready.</summary>
    protected void Start() => _thread.Start();

    /// <summary>Inserts every row of <paramref name="rows"/> and commits them as one transaction, or throws having stored none.</summary>
    protected abstract void InsertAndCommit(IReadOnlyList<JournalRow> rows);

    /// <summary>True when <paramref name="failure"/> is one row's fault (a constraint), not the database's or the connection's.</summary>
    protected abstract bool IsRowError(Exception failure);

    /// <summary>Releases the connection and anything else the writer thread used (the thread has ended).</summary>
    protected abstract void ReleaseConnection();

    private void Run()
    {
        var batch = new List<PendingWrite>();
        var busy = false; // the writes about to be read were waiting as the last commit ended
        while (true)
        {
            var rows = Take(batch, 0);
            if (batch.Count > 0)
            {
                if (busy && _gatherMs > 0 && rows < _gatherRows && !_writes.Reader.Completion.IsCompleted)
                {
                    Thread.Sleep(_gatherMs); // not on the event: every queued write would wake the thread again
                    rows = Take(batch, rows);
                }
                ThreadPool.UnsafeQueueUserWorkItem(Commit(batch), preferLocal: false);
                batch.Clear();
                busy = true;
                continue;
            }
            busy = false;
            if (_writes.Reader.Completion.IsCompleted) return; // stopped and drained
            _queued.Reset();
            // A write queued between the last read and the reset set the event before it was reset: look once more.
            if (_writes.Reader.TryPeek(out _) || _writes.Reader.Completion.IsCompleted) continue;
            _queued.Wait();
        }
    }

    /// <summary>Adds queued writes to <paramref name="batch"/>, which holds <paramref name="rows"/> rows, up to a commit's worth; returns its rows.</summary>
    private int Take(List<PendingWrite> batch, int rows)
    {
        while (rows < _maxRowsPerCommit && _writes.Reader.TryRead(out var write))
        {
            batch.Add(write);
            rows += write.Rows.Count;
        }
        return rows;
    }

    /// <summary>
    /// Stores the batch; returns who to tell what. When a row fails it (<see cref="IsRowError"/>: a sequence number stored
    /// twice), each write is tried alone, so only the one that made it fails. When the database or the connection fails
    /// it, the batch is tried once more whole (on a new connection where the writer reopens one) and then fails whole:
    /// tried write by write, a database that hangs would hold every write of the batch for its own timeout.
    /// </summary>
    private Completions Commit(List<PendingWrite> batch)
    {
        var writes = batch.ToArray();
        var failure = TryStore(batch);
        if (failure is not null && !IsRowError(failure)) failure = TryStore(batch);
        if (failure is null) return new Completions(writes, null);
        if (IsRowError(failure) && writes.Length > 1) return CommitEachAlone(writes);
        return new Completions(writes, [.. Enumerable.Repeat(failure, writes.Length)]);
    }

    /// <summary>Each write on its own, after a row failed their batch; a failure that is not a row's fails the rest with it.</summary>
    private Completions CommitEachAlone(PendingWrite[] writes)
    {
        var failures = new Exception?[writes.Length];
        Exception? broken = null;
        for (var i = 0; i < writes.Length; i++)
        {
            failures[i] = broken ?? TryStore([writes[i]]);
            if (failures[i] is { } failure && !IsRowError(failure)) broken = failure;
        }
        return new Completions(writes, failures);
    }

    /// <summary>Stores <paramref name="writes"/> as one transaction; the failure, or null once committed.</summary>
    private Exception? TryStore(List<PendingWrite> writes)
    {
        try
        {
            Store(writes);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Inserts the batch's rows in order, gathered into one list the writer thread reuses.</summary>
    private void Store(List<PendingWrite> batch)
    {
        _rows.Clear();
        foreach (var write in batch) _rows.AddRange(write.Rows);
        InsertAndCommit(_rows);
        ChatMeter.BatchCommitted(_rows.Count);
        Interlocked.Add(ref _rowsWritten, _rows.Count);
        Interlocked.Increment(ref _commits);
    }

    /// <summary>A commit's outcome for each of its writes, told from one thread-pool work item.</summary>
    private sealed class Completions(PendingWrite[] writes, Exception?[]? failures) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            for (var i = 0; i < writes.Length; i++)
            {
                if (failures?[i] is { } failure) writes[i].Failed(failure);
                else writes[i].Committed();
            }
        }
    }

    private sealed class TaskWrite(IReadOnlyList<JournalRow> rows) : PendingWrite(rows)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _done.Task;

        public override void Committed() => _done.TrySetResult();

        public override void Failed(Exception e) => _done.TrySetException(e);
    }
}

/// <summary>Rows that commit together or not at all, and who hears which (called once, on a thread-pool thread).</summary>
public abstract class PendingWrite(IReadOnlyList<JournalRow> rows)
{
    public IReadOnlyList<JournalRow> Rows { get; } = rows;

    public abstract void Committed();

    public abstract void Failed(Exception e);
}
