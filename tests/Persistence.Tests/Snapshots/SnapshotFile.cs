namespace AkkaChat.Persistence.Tests.Snapshots;

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using AkkaChat.Persistence.Snapshots;
using AkkaChat.Persistence.Tests.Journal;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>
/// Base of the snapshot store specs: the test's actor system runs on a prepared SQLite file of its own
/// (<see cref="TempJournalFile"/>) with AkkaChat's journal and snapshot store, and has Akka.Persistence.Sql's snapshot
/// store configured on the same file (as hocon/persistence.sqlite.conf does), so a spec can talk to either.
/// </summary>
public abstract class SnapshotFile : TestKit
{
    /// <summary>Upper bound of every wait for something that should happen.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected const string NativePlugin = "akka.persistence.snapshot-store.sqlite";
    protected const string SqlPlugin = "akka.persistence.snapshot-store.sql";

    protected SnapshotFile(ITestOutputHelper output)
        : this(new TempJournalFile(), output)
    {
    }

    private SnapshotFile(TempJournalFile file, ITestOutputHelper output)
        : base(Plugins().WithFallback(file.Config()), output: output)
    {
        File = file;
    }

    protected TempJournalFile File { get; }

    /// <summary>The snapshot store actor of <paramref name="plugin"/> in the test's actor system.</summary>
    protected IActorRef Store(string plugin = NativePlugin) => Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(plugin);

    protected SnapshotMetadata Save(IActorRef store, string persistenceId, long sequenceNr, DateTime timestamp, object snapshot)
    {
        store.Tell(new SaveSnapshot(new SnapshotMetadata(persistenceId, sequenceNr, timestamp), snapshot), TestActor);
        return ExpectMsg<SaveSnapshotSuccess>(Timeout).Metadata;
    }

    /// <summary>What <paramref name="store"/> loads for <paramref name="criteria"/> up to <paramref name="toSequenceNr"/>: null when nothing matches.</summary>
    protected SelectedSnapshot? Load(IActorRef store, string persistenceId, SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue)
    {
        store.Tell(new LoadSnapshot(persistenceId, criteria, toSequenceNr), TestActor);
        var result = ExpectMsg<LoadSnapshotResult>(Timeout);
        Assert.Equal(toSequenceNr, result.ToSequenceNr);
        return result.Snapshot;
    }

    /// <summary>The snapshot object <paramref name="store"/> loads for <paramref name="criteria"/>, or null.</summary>
    protected object? LoadObject(IActorRef store, string persistenceId, SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue) =>
        Load(store, persistenceId, criteria, toSequenceNr)?.Snapshot;

    /// <summary>Runs a one-column query on a plain connection of the test's own.</summary>
    protected IReadOnlyList<object?> Column(string sql)
    {
        using var connection = new SqliteConnection(File.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<object?>();
        while (reader.Read()) values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        return values;
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing) File.Dispose();
        }
    }

    /// <summary>AkkaChat's snapshot store as the default, Akka.Persistence.Sql's beside it (hocon/persistence.sqlite.conf's settings).</summary>
    private static Config Plugins() => ConfigurationFactory.ParseString($$"""
        akka.persistence.snapshot-store {
          plugin = "{{NativePlugin}}"
          sqlite.class = "{{typeof(SqliteSnapshotStore).FullName}}, {{typeof(SqliteSnapshotStore).Assembly.GetName().Name}}"
          sql {
            provider-name = "SQLite.MS"
            table-mapping = sqlite
            auto-initialize = true
          }
        }
        """);
}
