namespace AkkaChat.Persistence.Tests.Journal;

using System.Text;
using AkkaChat.Persistence.Journal;
using Microsoft.Data.Sqlite;

/// <summary>The writer on its own: group commit, the row cap of a commit, and isolation of a bad write from its group.</summary>
public sealed class SqliteJournalWriterSpec : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private const int SqliteConstraint = 19;

    private readonly TempJournalFile _file = new();

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
        Assert.Equal(writes, _file.RowCount());
        Assert.InRange(writer.Commits, 1, writes - 1);
    }

    [Fact]
    public async Task A_commit_takes_no_more_rows_than_max_rows_per_commit()
    {
        const int writes = 100;
        const int maxRowsPerCommit = 10;
        using var writer = StartWriter(maxRowsPerCommit);

        Task[] pending;
        using (_file.HoldWriteLock())
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
        using (_file.HoldWriteLock())
        {
            var before = Enumerable.Range(1, 5).Select(i => writer.WriteAsync([Row($"good-{i}", 1)]));
            duplicate = writer.WriteAsync([Row("taken", 1)]);
            var after = Enumerable.Range(6, 5).Select(i => writer.WriteAsync([Row($"good-{i}", 1)]));
            good = before.Concat(after).ToArray();
        }

        var failure = await Assert.ThrowsAsync<SqliteException>(() => duplicate.WaitAsync(Timeout));
        Assert.Equal(SqliteConstraint, failure.SqliteErrorCode);
        await Task.WhenAll(good).WaitAsync(Timeout);
        for (var i = 1; i <= 10; i++) Assert.Equal(new long[] { 1 }, _file.SequenceNrs($"good-{i}"));
        Assert.Equal(new long[] { 1 }, _file.SequenceNrs("taken"));
        Assert.Equal(11, _file.RowCount());
    }

    [Fact]
    public async Task A_write_with_one_duplicate_row_stores_none_of_its_rows()
    {
        using var writer = StartWriter();
        await writer.WriteAsync([Row("atomic", 2)]).WaitAsync(Timeout);

        await Assert.ThrowsAsync<SqliteException>(() => writer.WriteAsync([Row("atomic", 1), Row("atomic", 2), Row("atomic", 3)]).WaitAsync(Timeout));

        Assert.Equal(new long[] { 2 }, _file.SequenceNrs("atomic"));
    }

    [Fact]
    public async Task A_write_after_dispose_fails_instead_of_waiting_forever()
    {
        var writer = StartWriter();
        writer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync([Row("late", 1)]).WaitAsync(Timeout));
        Assert.Empty(_file.SequenceNrs("late"));
    }

    public void Dispose() => _file.Dispose();

    private SqliteJournalWriter StartWriter(int maxRowsPerCommit = 1000) =>
        new(_file.ConnectionString, relaxedSync: false, maxRowsPerCommit, queueCapacity: 8192, checkpointInterval: TimeSpan.FromSeconds(1));

    private static JournalRow Row(string persistenceId, long sequenceNr) =>
        new(persistenceId, sequenceNr, Encoding.UTF8.GetBytes($"{persistenceId}#{sequenceNr}"), "", SerializerId: 0, Timestamp: DateTime.UtcNow.Ticks);
}
