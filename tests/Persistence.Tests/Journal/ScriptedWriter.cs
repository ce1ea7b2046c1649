namespace AkkaChat.Persistence.Tests.Journal;

using AkkaChat.Persistence.Journal;

/// <summary>
/// A <see cref="GroupCommitWriter"/> whose database is a script: it records the size of every commit, can hold one
/// commit until the test lets it go, and answers the others as <see cref="Database"/> says.
/// </summary>
internal sealed class ScriptedWriter : GroupCommitWriter
{
    private static readonly TimeSpan HoldAtMost = TimeSpan.FromSeconds(10);

    private readonly List<int> _commitSizes = [];
    private readonly Dictionary<string, int> _attempts = [];
    private readonly ManualResetEventSlim _holding = new();
    private ManualResetEventSlim? _hold;

    public ScriptedWriter(TimeSpan gather = default, int gatherRows = 0)
        : base(new GroupCommitSettings(MaxRowsPerCommit: 1000, QueueCapacity: 100, gather, gatherRows), "scripted-journal")
    {
        Start();
    }

    /// <summary>What the database does with each commit after the held one, given its rows and which try of those rows it is.</summary>
    public Action<IReadOnlyList<JournalRow>, int> Database { get; set; } = (_, _) => { };

    /// <summary>
    /// Writes one row and holds its commit (10 s at most) until the event returned is set: writes queued meanwhile
    /// find the writer busy. Returns once the writer is inside that commit.
    /// </summary>
    public (Task Held, ManualResetEventSlim Release) HoldACommit()
    {
        var release = _hold = new ManualResetEventSlim();
        var held = WriteAsync([Row("held", 1)]);
        if (!_holding.Wait(HoldAtMost)) throw new TimeoutException("the writer did not start the held commit");
        return (held, release);
    }

    /// <summary>Commits tried with <paramref name="rows"/> rows, after the held one.</summary>
    public int CommitsOf(int rows)
    {
        lock (_commitSizes) return _commitSizes.Count(size => size == rows);
    }

    /// <summary>The sizes of the commits tried after the held one, in order.</summary>
    public IReadOnlyList<int> CommitSizes()
    {
        lock (_commitSizes) return [.. _commitSizes];
    }

    public static JournalRow Row(string persistenceId, long sequenceNr) => new(persistenceId, sequenceNr, [1], "", 0, 0);

    protected override void InsertAndCommit(IReadOnlyList<JournalRow> rows)
    {
        if (Interlocked.Exchange(ref _hold, null) is { } hold)
        {
            _holding.Set();
            hold.Wait(HoldAtMost);
            return;
        }
        lock (_commitSizes) _commitSizes.Add(rows.Count);
        var key = string.Join(",", rows.Select(r => $"{r.PersistenceId}#{r.SequenceNr}"));
        var attempt = _attempts[key] = _attempts.GetValueOrDefault(key) + 1;
        Database(rows, attempt);
    }

    protected override bool IsRowError(Exception failure) => failure is RowError;

    protected override void ReleaseConnection()
    {
    }

    /// <summary>A row's own failure (as a constraint would be).</summary>
    public sealed class RowError : Exception;
}
