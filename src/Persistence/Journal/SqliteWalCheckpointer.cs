namespace AkkaChat.Persistence.Journal;

using AkkaChat.Core.Diagnostics;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

/// <summary>How the SQLite journal keeps its WAL short; HOCON <c>checkpoint-interval</c> and <c>wal-restart-size</c>.</summary>
/// <param name="CheckpointInterval">How often passive checkpoints run, when something was committed meanwhile.</param>
/// <param name="RestartSize">Once the WAL holds this many bytes, the checkpointer has it started over.</param>
public readonly record struct WalSettings(TimeSpan CheckpointInterval, long RestartSize)
{
    /// <summary>
    /// Twice the restart size: the writer's <c>journal_size_limit</c> (the file is cut back to this when the WAL starts
    /// over larger), and the size at which the writer finishes a checkpoint whatever its tail.
    /// </summary>
    public long SizeLimit => 2 * RestartSize;
}

/// <summary>
/// Copies committed pages from the WAL into the database file, on a thread and a connection of its own, and has the WAL
/// start over once it has grown to <see cref="WalSettings.RestartSize"/>.
/// </summary>
/// <remarks>
/// <para>
/// Each interval in which something was committed it runs a passive checkpoint, which never blocks a commit. SQLite
/// writes the WAL from its start again only when a write transaction begins with every frame copied, and under steady
/// load that never happens by itself: some commit always lands while a checkpoint runs, and the WAL grew by 0.7 to 1.9 GB
/// in 40 s at 10,000 msgs/s (docs/BENCHMARKS.md, issue 14, step 15).
/// </para>
/// <para>
/// So once the WAL holds the restart size, the checkpointer passes again at once, each pass copying what arrived during
/// the one before, until a pass leaves at most <see cref="TailPages"/> behind (or <see cref="MaxConvergingPasses"/> are
/// done). It then asks the writer (<see cref="FinishIfAsked"/>) to copy that short tail itself between two commits; the
/// writer's next transaction begins with every frame copied and starts the WAL over. The writer pays one short copy and
/// a checkpoint's two syncs (the WAL's, the database file's) per restart, 5–15 ms at 10,000 msgs/s, never a whole
/// checkpoint; the default restart size (128 MiB) keeps that to about one a second there, and to none at rates that
/// leave the WAL short of it. A WAL that reached twice the restart size without the passes converging (an overloaded
/// node) is finished whatever its tail: a longer pause of the writer rather than a file that grows without bound.
/// </para>
/// </remarks>
internal sealed class SqliteWalCheckpointer : IDisposable
{
    /// <summary>A tail this short the writer copies in about a millisecond, besides the checkpoint's syncs.</summary>
    private const int TailPages = 256;

    /// <summary>Passes that may run back to back before the tail is judged; each takes what arrived during the last.</summary>
    private const int MaxConvergingPasses = 8;

    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly Func<long> _commits;
    private readonly TimeSpan _interval;
    private readonly long _restartPages;
    private readonly long _forcePages;
    private readonly long _frameBytes;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _finished = new(initialState: false, spinCount: 0);
    private long _lastFrames; // what the last pass found (the checkpointer's thread only)
    private volatile bool _finishAsked;

    /// <param name="connection">The checkpointer's own connection, open; disposed with it.</param>
    /// <param name="settings">How often, and when the WAL starts over.</param>
    /// <param name="commits">The writer's commit count: an interval with none needs no checkpoint.</param>
    public SqliteWalCheckpointer(SqliteConnection connection, WalSettings settings, Func<long> commits)
    {
        _connection = connection;
        _db = connection.Handle!;
        _commits = commits;
        _interval = settings.CheckpointInterval;
        _frameBytes = PageSize(connection) + 24; // each WAL frame is a page and its 24-byte header
        _restartPages = Math.Max(1, settings.RestartSize / _frameBytes);
        _forcePages = settings.SizeLimit / _frameBytes;
        _thread = new Thread(Run) { IsBackground = true, Name = "akkachat-sqlite-checkpoint" };
        _thread.Start();
    }

    /// <summary>
    /// On the writer's thread between two commits: when the checkpointer asked, copies the frames its last pass left
    /// (a passive checkpoint on the writer's connection), so that the writer's next transaction starts the WAL over.
    /// </summary>
    public void FinishIfAsked(sqlite3 writer)
    {
        if (!_finishAsked) return;
        _finishAsked = false;
        // Busy only while another connection checkpoints; the WAL then waits for the next convergence.
        PassiveCheckpoint(writer, out _);
        _finished.Set();
    }

    private void Run()
    {
        long checkpointedAt = -1;
        var stop = _stop.Token;
        var wait = _interval;
        while (!stop.WaitHandle.WaitOne(wait))
        {
            try
            {
                var commits = _commits();
                if (commits == checkpointedAt)
                {
                    wait = _interval; // idle
                    continue;
                }
                checkpointedAt = commits;
                var pages = Pass();
                if (pages >= _restartPages) Converge(pages, stop);
                wait = NextWait(wait, pages);
            }
            catch (SqliteException)
            {
                // Interrupted or failing: the next interval tries again; the WAL only grows meanwhile.
            }
            catch (ObjectDisposedException)
            {
                // The connection's handle was released under the thread (it happened once in an Edge suite run;
                // suspected: the suite's hosts clear every SQLite pool of the process as each stops). Nothing is left
                // to checkpoint.
                return;
            }
        }
    }

    /// <summary>
    /// How long to wait after a pass that found <paramref name="pages"/> in the WAL: long enough for the WAL to grow to
    /// the restart size again at the rate it grew during <paramref name="wait"/>, but at most twice as long as that (a pass
    /// just after the WAL started over finds it nearly empty), between a twentieth of the interval and the interval. At
    /// 10,000 msgs/s the WAL grows by ~25,000 pages a second, about the default restart size (~32,500 pages).
    /// </summary>
    private TimeSpan NextWait(TimeSpan wait, long pages)
    {
        var scaled = Math.Min(wait.Ticks * ((double)_restartPages / Math.Max(pages, 1)), 2 * wait.Ticks);
        return TimeSpan.FromTicks(Math.Clamp((long)scaled, _interval.Ticks / 20, _interval.Ticks));
    }

    /// <summary>Passes until what arrives during a pass is a short tail, then asks the writer to finish it.</summary>
    private void Converge(long pages, CancellationToken stop)
    {
        var tail = long.MaxValue;
        for (var i = 0; i < MaxConvergingPasses && tail > TailPages && !stop.IsCancellationRequested; i++)
        {
            var next = Pass();
            tail = next - pages; // negative when the WAL started over meanwhile
            pages = next;
        }
        if (tail > TailPages && pages < _forcePages) return;
        _finished.Reset();
        _finishAsked = true;
        // The writer answers before its next commit. An idle writer commits nothing, so nothing is left to copy: stop
        // waiting after an interval and leave the request for its next commit.
        try
        {
            _finished.Wait(_interval, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One passive checkpoint; returns the frames the WAL held when it began.</summary>
    private long Pass()
    {
        var rc = PassiveCheckpoint(_db, out var frames);
        if (rc == raw.SQLITE_BUSY) return _lastFrames;
        SqliteStatements.Check(_db, rc);
        ChatMeter.WalObserved(frames * _frameBytes, restarted: frames < _lastFrames);
        return _lastFrames = frames;
    }

    /// <summary>
    /// Copies what it can of the WAL on <paramref name="db"/>'s connection, blocking nobody; <paramref name="frames"/>:
    /// the frames the WAL held when it began.
    /// </summary>
    private static int PassiveCheckpoint(sqlite3 db, out int frames) =>
        raw.sqlite3_wal_checkpoint_v2(db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out frames, out _);

    private static long PageSize(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size;";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (!_thread.Join(StopWait)) return; // still in a pass: leave the connection to the thread rather than pull it away
        _connection.Dispose();
        _stop.Dispose();
        _finished.Dispose(); // the writer's thread has ended: nothing sets it any more
    }
}
