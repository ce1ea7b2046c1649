namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Npgsql;
using Xunit.Abstractions;

/// <summary>
/// On PostgreSQL the snapshot table is created by <c>ChatStorage.Prepare</c> under the schema lock, not by the snapshot
/// store on first use: nodes starting together on a fresh database all prepare it without failing, and Akka.Persistence.Sql's
/// snapshot store saves and loads in that table with its own table creation turned off.
/// </summary>
public sealed class SnapshotTableSpec : TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TempJournalDatabase _store;

    public SnapshotTableSpec(ITestOutputHelper output)
        : this(new TempJournalDatabase(), output)
    {
    }

    private SnapshotTableSpec(TempJournalDatabase store, ITestOutputHelper output)
        : base(SqlSnapshots().WithFallback(store.Config()), output: output)
    {
        _store = store;
    }

    [Fact]
    public void Nodes_preparing_a_fresh_database_at_once_all_succeed()
    {
        Execute("DROP TABLE snapshot_store");

        var failures = new List<Exception>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            try
            {
                _store.Storage.Prepare();
            }
            catch (Exception e)
            {
                lock (failures) failures.Add(e);
            }
        });

        Assert.Empty(failures);
        Assert.Equal(0L, Convert.ToInt64(Execute("SELECT count(*) FROM snapshot_store")));
    }

    [Fact]
    public void The_sql_snapshot_store_saves_and_loads_in_the_prepared_table()
    {
        var first = Sys.ActorOf(Props.Create(() => new Snapshotter("snap-1", TestActor)));
        ExpectMsg<Snapshotter.Recovered>(Timeout);
        first.Tell("state one");
        ExpectMsg<SaveSnapshotSuccess>(Timeout);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first, Timeout);

        Sys.ActorOf(Props.Create(() => new Snapshotter("snap-1", TestActor)));

        Assert.Equal("state one", ExpectMsg<Snapshotter.Recovered>(Timeout).Snapshot);
        Assert.Equal(1L, Convert.ToInt64(Execute("SELECT count(*) FROM snapshot_store WHERE persistence_id = 'snap-1'")));
    }

    /// <summary>The app's snapshot plugin settings (hocon/persistence.postgres.conf), but never creating its own table.</summary>
    private static Config SqlSnapshots() => ConfigurationFactory.ParseString("""
        akka.persistence.snapshot-store {
          plugin = "akka.persistence.snapshot-store.sql"
          sql {
            provider-name = "PostgreSQL.15"
            table-mapping = postgresql
            auto-initialize = false
          }
        }
        """);

    private object? Execute(string sql)
    {
        using var connection = new NpgsqlConnection(_store.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _store.Dispose();
    }

    /// <summary>Saves every string it is told as its snapshot; reports what it recovered.</summary>
    private sealed class Snapshotter : UntypedPersistentActor
    {
        private readonly IActorRef _monitor;
        private string? _snapshot;

        public Snapshotter(string persistenceId, IActorRef monitor)
        {
            PersistenceId = persistenceId;
            _monitor = monitor;
        }

        public sealed record Recovered(string? Snapshot);

        public override string PersistenceId { get; }

        protected override void OnRecover(object message)
        {
            switch (message)
            {
                case SnapshotOffer offer:
                    _snapshot = (string)offer.Snapshot;
                    break;
                case RecoveryCompleted:
                    _monitor.Tell(new Recovered(_snapshot));
                    break;
            }
        }

        protected override void OnCommand(object message)
        {
            switch (message)
            {
                case string state:
                    SaveSnapshot(state);
                    break;
                case SaveSnapshotSuccess or SaveSnapshotFailure:
                    _monitor.Tell(message);
                    break;
            }
        }
    }
}
