namespace AkkaChat.Edge.Tests.Recovery;

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using AkkaChat.Core;
using AkkaChat.Persistence.Serialization;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>
/// The snapshots of the old data directory (<c>Fixtures/OldData</c>, saved by Akka.Persistence.Sql's snapshot store)
/// load with AkkaChat's own SQLite snapshot store, each with its stored metadata and the same object Akka.Persistence.Sql's
/// store reads. <see cref="OldDataDirectoryTests"/> alone would not show it: an entity whose snapshot did not load
/// would replay its whole journal and look the same to a client.
/// </summary>
public sealed class OldSnapshotsTests : TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly string _dataDir;
    private readonly ChatStorage _storage;

    public OldSnapshotsTests(ITestOutputHelper output)
        : this(OldDataFixture.CopyTo(), output)
    {
    }

    private OldSnapshotsTests(string dataDir, ITestOutputHelper output)
        : base(AppConfig(ChatStorage.Sqlite(dataDir)), output: output)
    {
        _dataDir = dataDir;
        _storage = ChatStorage.Sqlite(dataDir);
    }

    [Fact]
    public void Every_old_snapshot_loads_with_the_native_store_as_the_sql_store_reads_it()
    {
        var rows = StoredSnapshots();
        Assert.Equal(5, rows.Count);
        var persistence = Akka.Persistence.Persistence.Instance.Apply(Sys);
        Assert.Equal("akka.persistence.snapshot-store.sqlite", _storage.SnapshotPlugin);
        var native = persistence.SnapshotStoreFor(_storage.SnapshotPlugin);
        var sql = persistence.SnapshotStoreFor("akka.persistence.snapshot-store.sql");
        var serializer = new ChatEventSerializer((ExtendedActorSystem)Sys);

        foreach (var (persistenceId, sequenceNr, createdTicks, manifest) in rows)
        {
            var loaded = Load(native, persistenceId);
            Assert.Equal(new SnapshotMetadata(persistenceId, sequenceNr, new DateTime(createdTicks)), loaded.Metadata);
            var snapshot = Assert.IsAssignableFrom<IChatEvent>(loaded.Snapshot);
            Assert.Equal(manifest, serializer.Manifest(snapshot));
            Assert.Equal(serializer.ToBinary(Load(sql, persistenceId).Snapshot), serializer.ToBinary(snapshot));
        }
    }

    private SelectedSnapshot Load(IActorRef store, string persistenceId)
    {
        store.Tell(new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), TestActor);
        var snapshot = ExpectMsg<LoadSnapshotResult>(Timeout).Snapshot;
        Assert.NotNull(snapshot);
        return snapshot;
    }

    /// <summary>The fixture's snapshot rows as stored, read with a plain connection.</summary>
    private List<(string PersistenceId, long SequenceNr, long CreatedTicks, string Manifest)> StoredSnapshots()
    {
        using var connection = new SqliteConnection(_storage.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, sequence_nr, created_at, manifest FROM snapshot ORDER BY persistence_id";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long, long, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)));
        return rows;
    }

    /// <summary>The node's persistence wiring for this data directory (prepared as at start), both snapshot stores configured.</summary>
    private static Config AppConfig(ChatStorage storage)
    {
        storage.Prepare();
        var hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", storage.HoconFile));
        return storage.OverrideConfig()
            .WithFallback(ConfigurationFactory.ParseString(hocon))
            .WithFallback(storage.ConnectionConfig())
            .WithFallback(ChatSerialization.Config);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing)
            {
                using (var connection = new SqliteConnection(_storage.ConnectionString)) SqliteConnection.ClearPool(connection);
                Directory.Delete(_dataDir, recursive: true);
            }
        }
    }
}
