namespace AkkaChat.Persistence.Tests.Journal;

using AkkaChat.Persistence.Journal;

/// <summary>
/// How a failed group commit is retried, on a writer whose database is a script: a row's failure is retried write by
/// write (only that write fails), the database's failure once more whole and then for the whole group, never once per
/// write (each retry of a hung database would wait out its own timeout).
/// </summary>
public sealed class GroupCommitRetrySpec : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ScriptedWriter _writer = new();

    [Fact]
    public async Task A_group_the_database_fails_twice_fails_whole_after_one_more_try_not_write_by_write()
    {
        var group = await QueueGroupBehindAHeldCommit(10, (_, _) => throw new IOException("the database went away"));

        foreach (var write in group) Assert.IsType<IOException>(await Record.ExceptionAsync(() => write.WaitAsync(Timeout)));
        Assert.Equal(2, _writer.CommitsOf(10));
    }

    [Fact]
    public async Task A_group_the_database_fails_once_commits_whole_on_the_second_try()
    {
        var group = await QueueGroupBehindAHeldCommit(10, (rows, attempt) =>
        {
            if (attempt == 1) throw new IOException("the connection broke");
        });

        await Task.WhenAll(group).WaitAsync(Timeout);
        Assert.Equal(2, _writer.CommitsOf(10));
    }

    [Fact]
    public async Task A_group_a_row_fails_is_retried_write_by_write_and_only_that_write_fails()
    {
        var group = await QueueGroupBehindAHeldCommit(5, (rows, _) =>
        {
            if (rows.Any(r => r.SequenceNr == 3)) throw new ScriptedWriter.RowError();
        });

        for (var i = 0; i < group.Count; i++)
        {
            var failure = await Record.ExceptionAsync(() => group[i].WaitAsync(Timeout));
            if (i == 2) Assert.IsType<ScriptedWriter.RowError>(failure);
            else Assert.Null(failure);
        }
        Assert.Equal((1, 5), (_writer.CommitsOf(5), _writer.CommitsOf(1))); // the group, then each of its writes alone
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// Holds the writer inside a first commit until <paramref name="size"/> more writes (sequence numbers 1..size) are
    /// queued, so they reach the database as one group, which <paramref name="database"/> then answers.
    /// </summary>
    private async Task<IReadOnlyList<Task>> QueueGroupBehindAHeldCommit(int size, Action<IReadOnlyList<JournalRow>, int> database)
    {
        var (first, release) = _writer.HoldACommit();
        var group = Enumerable.Range(1, size).Select(i => _writer.WriteAsync([ScriptedWriter.Row("group", i)])).ToList();
        _writer.Database = database;
        release.Set();
        await first.WaitAsync(Timeout);
        return group;
    }
}
