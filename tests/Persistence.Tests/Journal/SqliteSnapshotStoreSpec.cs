namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using AkkaChat.Persistence.Journal;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>
/// AkkaChat's SQLite snapshot store on a real file: snapshots are committed by the journal's own writer (one writer per
/// file), recovery takes the latest, deletion takes what the criteria name, and Akka.Persistence.Sql's store reads
/// what it wrote and the other way round (the same table).
/// </summary>
public sealed class SqliteSnapshotStoreSpec : TestKit
{
    private const string SqlSnapshots = "akka.persistence.snapshot-store.sql";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TempJournalFile _store;

    public SqliteSnapshotStoreSpec(ITestOutputHelper output)
        : this(new TempJournalFile(), output)
    {
    }

    private SqliteSnapshotStoreSpec(TempJournalFile store, ITestOutputHelper output)
        : base(SnapshotConfig().WithFallback(store.Config()), output: output)
    {
        _store = store;
    }

    [Fact]
    public void A_snapshot_is_committed_by_the_journals_writer_and_recovery_starts_from_the_latest()
    {
        using var shared = SqliteJournalWriter.Acquire(SqliteJournalSettings.From(Sys.Settings.Config.GetConfig("akka.persistence.journal.sqlite")));
        var first = StartSnapshotter("snap-latest");
        Save(first, "one");
        var commitsBefore = shared.Writer.Commits;
        var rowsBefore = shared.Writer.RowsWritten;

        Save(first, "two");

        Assert.Equal(rowsBefore + 1, shared.Writer.RowsWritten); // the event of "two"; its snapshot is not a journal row
        Assert.InRange(shared.Writer.Commits, commitsBefore + 2, commitsBefore + 3); // the event, then the snapshot (and any deletion)
        Stop(first);
        Assert.Equal(new Snapshotter.Recovered("two", 2), StartSnapshotterAndRecover("snap-latest").Recovered);
        Assert.Equal(2L, SnapshotCount("snap-latest"));
    }

    [Fact]
    public void Deletion_removes_the_snapshots_the_criteria_name_and_keeps_the_rest()
    {
        var snapshotter = StartSnapshotter("snap-delete");
        foreach (var state in new[] { "one", "two", "three" }) Save(snapshotter, state);

        snapshotter.Tell(new SnapshotSelectionCriteria(2));
        ExpectMsg<DeleteSnapshotsSuccess>(Timeout);

        Assert.Equal(1L, SnapshotCount("snap-delete"));
        Stop(snapshotter);
        Assert.Equal(new Snapshotter.Recovered("three", 3), StartSnapshotterAndRecover("snap-delete").Recovered);
    }

    [Fact]
    public void The_sql_store_reads_what_this_store_wrote_and_this_store_reads_what_the_sql_store_wrote()
    {
        var ours = StartSnapshotter("snap-ours");
        Save(ours, "written here");
        Stop(ours);
        Assert.Equal(new Snapshotter.Recovered("written here", 1), StartSnapshotterAndRecover("snap-ours", SqlSnapshots).Recovered);

        var theirs = StartSnapshotter("snap-theirs", SqlSnapshots);
        Save(theirs, "written by sql");
        Stop(theirs);
        Assert.Equal(new Snapshotter.Recovered("written by sql", 1), StartSnapshotterAndRecover("snap-theirs").Recovered);
    }

    /// <summary>The app's SQLite snapshot wiring (hocon/persistence.sqlite.conf), and Akka.Persistence.Sql's store beside it.</summary>
    private static Config SnapshotConfig() => ConfigurationFactory.ParseString($$"""
        akka.persistence.snapshot-store {
          plugin = "akka.persistence.snapshot-store.sqlite"
          sqlite {
            class = "{{typeof(SqliteSnapshotStore).FullName}}, {{typeof(SqliteSnapshotStore).Assembly.GetName().Name}}"
            journal = "akka.persistence.journal.sqlite"
          }
          sql {
            provider-name = "SQLite.MS"
            table-mapping = sqlite
            auto-initialize = false
          }
        }
        """);

    private IActorRef StartSnapshotter(string persistenceId, string? plugin = null) => StartSnapshotterAndRecover(persistenceId, plugin).Actor;

    private (IActorRef Actor, Snapshotter.Recovered Recovered) StartSnapshotterAndRecover(string persistenceId, string? plugin = null)
    {
        var actor = Sys.ActorOf(Snapshotter.Props(persistenceId, TestActor, plugin));
        return (actor, ExpectMsg<Snapshotter.Recovered>(Timeout));
    }

    private void Save(IActorRef snapshotter, string state)
    {
        snapshotter.Tell(state);
        ExpectMsg<SaveSnapshotSuccess>(Timeout);
    }

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor, Timeout);
    }

    private long SnapshotCount(string persistenceId)
    {
        using var connection = new SqliteConnection(_store.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM snapshot WHERE persistence_id = $id";
        command.Parameters.AddWithValue("$id", persistenceId);
        return (long)command.ExecuteScalar()!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _store.Dispose();
    }
}
