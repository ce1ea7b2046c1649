namespace AkkaChat.Persistence.Tests.Snapshots;

using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Persistence;
using AkkaChat.Core;
using AkkaChat.Persistence.Serialization;
using AkkaChat.Persistence.Snapshots;
using AkkaChat.Persistence.Tests.Serialization;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>
/// <c>SqliteSnapshotStore</c> and Akka.Persistence.Sql's snapshot store share one file both ways: the same table, the
/// same rows (the snapshot object serialized on its own, its serializer's id and manifest, the time in ticks), so each
/// loads what the other saved: older data directories, and <c>AKKACHAT_JOURNAL=sql</c> switched on and off.
/// </summary>
public sealed partial class SnapshotInteropSpec(ITestOutputHelper output) : SnapshotFile(output)
{
    private static readonly DateTime At = new(2026, 3, 1, 12, 0, 0, 123, DateTimeKind.Utc);

    private static IChatEvent RoomSnapshot => SampleEvents.All.Single(s => s.Manifest == "RSS").Event;

    private static IChatEvent UserSnapshot => SampleEvents.All.Single(s => s.Manifest == "US").Event;

    [Fact]
    public void The_table_is_the_one_Akka_Persistence_Sql_creates()
    {
        // Prepare() made it here (SqliteSnapshotSchema); now let Akka.Persistence.Sql's store make it on its own.
        var ours = SnapshotSchemaSql();
        File.Execute("DROP TABLE snapshot");

        Save(Store(SqlPlugin), "p-1", 1, At, "first");

        Assert.Equal(3, ours.Count); // the table and its two indexes
        Assert.Equal(ours, SnapshotSchemaSql());
    }

    [Fact]
    public void A_snapshot_is_stored_as_its_serialized_object_with_serializer_id_manifest_and_ticks()
    {
        Save(Store(), "room-101", 78, At, RoomSnapshot);

        using var connection = new SqliteConnection(File.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, sequence_nr, created_at, payload, manifest, serializer_id FROM snapshot";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("room-101", reader.GetString(0));
        Assert.Equal(78L, reader.GetInt64(1));
        Assert.Equal(At.Ticks, reader.GetInt64(2));
        Assert.Equal(Serialized(RoomSnapshot), (byte[])reader[3]);
        Assert.Equal("RSS", reader.GetString(4));
        Assert.Equal(ChatSerialization.SerializerId, reader.GetInt32(5));
        Assert.False(reader.Read());
    }

    [Theory]
    [InlineData(SqlPlugin, NativePlugin)]
    [InlineData(NativePlugin, SqlPlugin)]
    public void Each_store_loads_what_the_other_saved(string saving, string loading)
    {
        Save(Store(saving), "user-10001", 40, At, UserSnapshot);
        Save(Store(saving), "room-101", 78, At.AddSeconds(1), RoomSnapshot);
        Save(Store(saving), "plain", 3, At.AddSeconds(2), "a string, Akka's own serializer");

        var user = Load(Store(loading), "user-10001", SnapshotSelectionCriteria.Latest);
        var room = Load(Store(loading), "room-101", new SnapshotSelectionCriteria(78, At.AddSeconds(1)));
        var plain = Load(Store(loading), "plain", SnapshotSelectionCriteria.Latest);

        Assert.Equal(Serialized(UserSnapshot), Serialized((IChatEvent)user!.Snapshot));
        Assert.Equal(new SnapshotMetadata("user-10001", 40, At), user.Metadata);
        Assert.Equal(At.Ticks, user.Metadata.Timestamp.Ticks);
        Assert.Equal(Serialized(RoomSnapshot), Serialized((IChatEvent)room!.Snapshot));
        Assert.Equal(At.AddSeconds(1).Ticks, room.Metadata.Timestamp.Ticks);
        Assert.Equal("a string, Akka's own serializer", plain?.Snapshot);
    }

    [Theory]
    [InlineData(SqlPlugin, NativePlugin)]
    [InlineData(NativePlugin, SqlPlugin)]
    public void Each_store_deletes_what_the_other_saved(string saving, string deleting)
    {
        for (var i = 1; i <= 3; i++) Save(Store(saving), "p-1", i * 10, At.AddSeconds(i), $"s-{i}");

        Store(deleting).Tell(new DeleteSnapshots("p-1", new SnapshotSelectionCriteria(19)), TestActor);
        ExpectMsg<DeleteSnapshotsSuccess>(Timeout);
        Store(deleting).Tell(new DeleteSnapshot(new SnapshotMetadata("p-1", 30, At.AddSeconds(3))), TestActor);
        ExpectMsg<DeleteSnapshotSuccess>(Timeout);

        Assert.Equal(new object?[] { 20L }, Column("SELECT sequence_nr FROM snapshot"));
        Assert.Equal("s-2", LoadObject(Store(saving), "p-1", SnapshotSelectionCriteria.Latest));
    }

    private byte[] Serialized(IChatEvent snapshot) => new ChatEventSerializer((ExtendedActorSystem)Sys).ToBinary(snapshot);

    /// <summary>The SQL SQLite keeps for the snapshot table and its indexes, by name, whitespace runs made one space.</summary>
    private List<string> SnapshotSchemaSql() =>
        Column("SELECT sql FROM sqlite_master WHERE tbl_name = 'snapshot' AND sql IS NOT NULL ORDER BY name")
            .Select(sql => Whitespace().Replace((string)sql!, " "))
            .ToList();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
