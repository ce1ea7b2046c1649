namespace AkkaChat.Persistence.Tests.Journal;

/// <summary>
/// A busy writer gathers: writes that were waiting as a commit ended wait the gather time for more before they commit,
/// unless enough rows are waiting already; a write that finds the writer idle commits at once.
/// </summary>
public sealed class GroupCommitGatherSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writes_waiting_as_a_commit_ends_wait_for_the_writes_that_follow_and_commit_with_them()
    {
        using var writer = new ScriptedWriter(gather: TimeSpan.FromSeconds(2), gatherRows: 100);
        var (first, release) = writer.HoldACommit();
        var waiting = writer.WriteAsync([ScriptedWriter.Row("waiting", 1)]);

        release.Set();
        await first.WaitAsync(Timeout);
        var following = writer.WriteAsync([ScriptedWriter.Row("following", 1)]); // within the 2 s the waiting write gathers for

        await Task.WhenAll(waiting, following).WaitAsync(Timeout);
        Assert.Equal([2], writer.CommitSizes());
    }

    [Fact]
    public async Task A_write_that_finds_the_writer_idle_commits_at_once()
    {
        using var writer = new ScriptedWriter(gather: TimeSpan.FromSeconds(30), gatherRows: 100);
        await writer.WriteAsync([ScriptedWriter.Row("first", 1)]).WaitAsync(Timeout); // a fresh writer: idle
        await Task.Delay(200); // the writer has found its queue empty after that commit

        await writer.WriteAsync([ScriptedWriter.Row("later", 1)]).WaitAsync(Timeout); // not 30 s

        Assert.Equal([1, 1], writer.CommitSizes());
    }

    [Fact]
    public async Task A_busy_writer_with_enough_rows_waiting_commits_them_at_once()
    {
        using var writer = new ScriptedWriter(gather: TimeSpan.FromSeconds(30), gatherRows: 3);
        var (first, release) = writer.HoldACommit();
        var waiting = Enumerable.Range(1, 3).Select(i => writer.WriteAsync([ScriptedWriter.Row("waiting", i)])).ToArray();

        release.Set();

        await Task.WhenAll(waiting).WaitAsync(Timeout); // not 30 s
        await first.WaitAsync(Timeout);
        Assert.Equal([3], writer.CommitSizes());
    }
}
