namespace AkkaChat.Persistence.Tests.Journal;

using System.Data.Common;
using System.Text;
using AkkaChat.Persistence.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>
/// The writer on its own, once per storage: group commit, the row cap of a commit, and isolation of a bad write from
/// its group.
/// </summary>
public abstract class JournalWriterSpec(JournalStore store) : IDisposable
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected JournalStore Store { get; } = store;

    [Fact]
    public async Task Many_concurrent_writes_all_commit_in_fewer_commits_than_rows()
    {
        const int writes = 400;
        using var writer = StartWriter();

        // Every write is handed over (from many threads) before any is awaited.
        var pending = new Task[writes];
        Parallel.For(0, writes, i => pending[i] = writer.WriteAsync([Row($"writer-{i % 10}", i / 10 + 1)]));
        await Task.WhenAll(pending).WaitAsync(Timeout);

        Assert.Equal(writes, writer.RowsWritten);
        Assert.Equal(writes, Store.RowCount());
        Assert.InRange(writer.Commits, 1, writes - 1);
    }

    [Fact]
    public async Task A_commit_takes_no_more_rows_than_max_rows_per_commit()
    {
        const int writes = 100;
        const int maxRowsPerCommit = 10;
        using var writer = StartWriter(maxRowsPerCommit);

        Task[] pending;
        using (Store.HoldWriteLock())
            pending = Enumerable.Range(1, writes).Select(i => writer.WriteAsync([Row("capped", i)])).ToArray();
        await Task.WhenAll(pending).WaitAsync(Timeout);

        Assert.Equal(writes, writer.RowsWritten);
        Assert.InRange(writer.Commits, writes / maxRowsPerCommit, writes / maxRowsPerCommit + 1);
    }

    [Fact]
    public async Task A_duplicate_sequence_number_fails_only_its_own_write_and_the_rest_of_its_group_commits()
    {
        using var writer = StartWriter();
        await writer.WriteAsync([Row("taken", 1)]).WaitAsync(Timeout);

        Task[] good;
        Task duplicate;
        // Held until every write below is queued: the duplicate shares a commit with good writes.
        using (Store.HoldWriteLock())
        {
            var before = Enumerable.Range(1, 5).Select(i => writer.WriteAsync([Row($"good-{i}", 1)]));
            duplicate = writer.WriteAsync([Row("taken", 1)]);
            var after = Enumerable.Range(6, 5).Select(i => writer.WriteAsync([Row($"good-{i}", 1)]));
            good = before.Concat(after).ToArray();
        }

        AssertDuplicateKey(await Assert.ThrowsAnyAsync<DbException>(() => duplicate.WaitAsync(Timeout)));
        await Task.WhenAll(good).WaitAsync(Timeout);
        for (var i = 1; i <= 10; i++) Assert.Equal(new long[] { 1 }, Store.SequenceNrs($"good-{i}"));
        Assert.Equal(new long[] { 1 }, Store.SequenceNrs("taken"));
        Assert.Equal(11, Store.RowCount());
    }

    [Fact]
    public async Task A_write_with_one_duplicate_row_stores_none_of_its_rows()
    {
        using var writer = StartWriter();
        await writer.WriteAsync([Row("atomic", 2)]).WaitAsync(Timeout);

        var failure = await Assert.ThrowsAnyAsync<DbException>(
            () => writer.WriteAsync([Row("atomic", 1), Row("atomic", 2), Row("atomic", 3)]).WaitAsync(Timeout));

        AssertDuplicateKey(failure);
        Assert.Equal(new long[] { 2 }, Store.SequenceNrs("atomic"));
    }

    [Fact]
    public async Task A_write_after_dispose_fails_instead_of_waiting_forever()
    {
        var writer = StartWriter();
        writer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync([Row("late", 1)]).WaitAsync(Timeout));
        Assert.Empty(Store.SequenceNrs("late"));
    }

    public void Dispose()
    {
        Store.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract GroupCommitWriter StartWriter(int maxRowsPerCommit = 1000);

    /// <summary>Asserts that <paramref name="failure"/> is the database refusing a (persistence id, sequence number) stored twice.</summary>
    protected abstract void AssertDuplicateKey(DbException failure);

    protected static JournalRow Row(string persistenceId, long sequenceNr) =>
        new(persistenceId, sequenceNr, Encoding.UTF8.GetBytes($"{persistenceId}#{sequenceNr}"), "", SerializerId: 0, Timestamp: DateTime.UtcNow.Ticks);

    public sealed class Sqlite() : JournalWriterSpec(new TempJournalFile())
    {
        private const int SqliteConstraint = 19;

        protected override GroupCommitWriter StartWriter(int maxRowsPerCommit = 1000) =>
            new SqliteJournalWriter(Store.ConnectionString, relaxedSync: false, new GroupCommitSettings(maxRowsPerCommit, QueueCapacity: 8192), new WalSettings(TimeSpan.FromSeconds(1), 32L << 20));

        protected override void AssertDuplicateKey(DbException failure) =>
            Assert.Equal(SqliteConstraint, Assert.IsType<SqliteException>(failure).SqliteErrorCode);
    }

    public sealed class Postgres : JournalWriterSpec
    {
        private readonly TempJournalDatabase _database;

        public Postgres()
            : this(new TempJournalDatabase())
        {
        }

        private Postgres(TempJournalDatabase database)
            : base(database)
        {
            _database = database;
        }

        [Fact]
        public async Task After_its_connection_is_killed_the_writer_reconnects_and_later_writes_are_stored()
        {
            using var writer = StartWriter();
            await writer.WriteAsync([Row("before-the-kill", 1)]).WaitAsync(Timeout);

            Assert.Equal(1, _database.TerminateOtherConnections());

            // The first write after the kill is the one that finds the connection broken: it may fail, but not hang.
            var first = await Record.ExceptionAsync(() => writer.WriteAsync([Row("after-the-kill", 1)]).WaitAsync(Timeout));
            if (first is not null) Assert.IsAssignableFrom<NpgsqlException>(first);
            await writer.WriteAsync([Row("after-the-kill", 2)]).WaitAsync(Timeout);

            Assert.Equal(first is null ? new long[] { 1, 2 } : new long[] { 2 }, Store.SequenceNrs("after-the-kill"));
            Assert.Equal(new long[] { 1 }, Store.SequenceNrs("before-the-kill"));
        }

        protected override GroupCommitWriter StartWriter(int maxRowsPerCommit = 1000) =>
            new PostgresJournalWriter(Store.ConnectionString, new GroupCommitSettings(maxRowsPerCommit, QueueCapacity: 8192));

        protected override void AssertDuplicateKey(DbException failure) =>
            Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failure).SqlState);
    }
}
