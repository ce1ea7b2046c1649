namespace AkkaChat.Persistence.Tests.Snapshots;

using Akka.Actor;
using Akka.Persistence;
using Xunit.Abstractions;

/// <summary>
/// What Akka.Persistence asks of a snapshot store (the cases of Akka.Persistence.TCK's snapshot store spec, which is not
/// published for this Akka version), held against <c>SqliteSnapshotStore</c> on a real file: loads pick the newest
/// snapshot within every bound of the criteria and the recovery's upper sequence number, a save at a stored sequence
/// number replaces it, and deletions remove exactly what they name.
/// </summary>
public sealed class SqliteSnapshotStoreSpec(ITestOutputHelper output) : SnapshotFile(output)
{
    private const string Pid = "p-1";

    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Snapshots <c>s-1</c> … <c>s-5</c> at sequence numbers 1 … 5, each a second after the one before.</summary>
    private IReadOnlyList<SnapshotMetadata> SaveFive(IActorRef store, string persistenceId = Pid) =>
        Enumerable.Range(1, 5).Select(i => Save(store, persistenceId, i, T0.AddSeconds(i), $"s-{i}")).ToList();

    [Fact]
    public void Nothing_loads_for_an_id_without_snapshots()
    {
        SaveFive(Store());

        Assert.Null(Load(Store(), "unknown", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public void The_latest_is_the_highest_sequence_number_with_its_metadata()
    {
        var saved = SaveFive(Store());

        var latest = Load(Store(), Pid, SnapshotSelectionCriteria.Latest);

        Assert.NotNull(latest);
        Assert.Equal("s-5", latest.Snapshot);
        Assert.Equal(Pid, latest.Metadata.PersistenceId);
        Assert.Equal(5, latest.Metadata.SequenceNr);
        Assert.Equal(saved[4].Timestamp.Ticks, latest.Metadata.Timestamp.Ticks);
    }

    [Fact]
    public void Loads_take_the_newest_snapshot_within_every_bound()
    {
        var store = Store();
        SaveFive(store);

        Assert.Equal("s-3", LoadObject(store, Pid, new SnapshotSelectionCriteria(3)));
        Assert.Equal("s-2", LoadObject(store, Pid, SnapshotSelectionCriteria.Latest, toSequenceNr: 2));
        Assert.Equal("s-4", LoadObject(store, Pid, new SnapshotSelectionCriteria(long.MaxValue, T0.AddSeconds(4))));
        Assert.Equal("s-2", LoadObject(store, Pid, new SnapshotSelectionCriteria(4, T0.AddSeconds(2))));
        Assert.Equal("s-3", LoadObject(store, Pid, new SnapshotSelectionCriteria(3, DateTime.MaxValue, minSequenceNr: 3)));
        Assert.Equal("s-5", LoadObject(store, Pid, new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, minTimestamp: T0.AddSeconds(5))));
        Assert.Null(LoadObject(store, Pid, new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, minSequenceNr: 6)));
        Assert.Null(LoadObject(store, Pid, new SnapshotSelectionCriteria(2, DateTime.MaxValue, minTimestamp: T0.AddSeconds(3))));
        Assert.Null(LoadObject(store, Pid, new SnapshotSelectionCriteria(long.MaxValue, T0)));
        Assert.Null(LoadObject(store, Pid, SnapshotSelectionCriteria.Latest, toSequenceNr: 0));
    }

    [Fact]
    public void Saving_again_at_a_sequence_number_replaces_that_snapshot()
    {
        var store = Store();
        SaveFive(store);

        Save(store, Pid, 3, T0.AddMinutes(1), "s-3 again");

        var loaded = Load(store, Pid, new SnapshotSelectionCriteria(3));
        Assert.Equal("s-3 again", loaded?.Snapshot);
        Assert.Equal(T0.AddMinutes(1).Ticks, loaded?.Metadata.Timestamp.Ticks);
        Assert.Equal(1L, Column($"SELECT count(*) FROM snapshot WHERE persistence_id = '{Pid}' AND sequence_nr = 3")[0]);
    }

    [Fact]
    public void Deleting_by_metadata_removes_that_snapshot_unless_it_is_newer_than_the_metadata()
    {
        var store = Store();
        var saved = SaveFive(store);

        Delete(store, saved[2]);
        Assert.Equal("s-2", LoadObject(store, Pid, new SnapshotSelectionCriteria(3)));

        Delete(store, new SnapshotMetadata(Pid, 2, saved[1].Timestamp.AddTicks(-1)));
        Assert.Equal("s-2", LoadObject(store, Pid, new SnapshotSelectionCriteria(3)));

        Delete(store, new SnapshotMetadata(Pid, 2, DateTime.MinValue)); // no timestamp: whatever its time
        Assert.Equal("s-1", LoadObject(store, Pid, new SnapshotSelectionCriteria(3)));
        Assert.Equal("s-5", LoadObject(store, Pid, SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public void Deleting_by_criteria_removes_every_snapshot_within_its_bounds_and_no_other()
    {
        var store = Store();
        SaveFive(store);
        SaveFive(store, "p-2");

        // What an entity asks after each snapshot it saves: all the older ones.
        Delete(store, Pid, new SnapshotSelectionCriteria(2));
        Assert.Null(LoadObject(store, Pid, new SnapshotSelectionCriteria(2)));
        Assert.Equal("s-3", LoadObject(store, Pid, new SnapshotSelectionCriteria(3)));

        Delete(store, Pid, new SnapshotSelectionCriteria(long.MaxValue, T0.AddSeconds(3)));
        Assert.Null(LoadObject(store, Pid, new SnapshotSelectionCriteria(3)));

        Delete(store, Pid, new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, minSequenceNr: 5));
        Assert.Equal("s-4", LoadObject(store, Pid, SnapshotSelectionCriteria.Latest));

        Delete(store, Pid, SnapshotSelectionCriteria.Latest);
        Assert.Null(LoadObject(store, Pid, SnapshotSelectionCriteria.Latest));

        Assert.Equal(new object?[] { 1L, 2L, 3L, 4L, 5L }, Column("SELECT sequence_nr FROM snapshot WHERE persistence_id = 'p-2' ORDER BY sequence_nr"));
    }

    [Fact]
    public void A_large_snapshot_round_trips()
    {
        var large = new byte[1 << 20];
        new Random(7).NextBytes(large);

        Save(Store(), Pid, 1, T0, large);

        Assert.Equal(large, LoadObject(Store(), Pid, SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public void The_store_creates_its_table_when_the_file_has_none()
    {
        File.Execute("DROP TABLE snapshot");

        Save(Store(), Pid, 1, T0, "first");

        Assert.Equal("first", LoadObject(Store(), Pid, SnapshotSelectionCriteria.Latest));
    }

    private void Delete(IActorRef store, SnapshotMetadata metadata)
    {
        store.Tell(new DeleteSnapshot(metadata), TestActor);
        ExpectMsg<DeleteSnapshotSuccess>(Timeout);
    }

    private void Delete(IActorRef store, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        store.Tell(new DeleteSnapshots(persistenceId, criteria), TestActor);
        ExpectMsg<DeleteSnapshotsSuccess>(Timeout);
    }
}
