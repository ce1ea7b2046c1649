namespace AkkaChat.Persistence.Snapshots;

using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;

/// <summary>
/// The snapshot table exactly as Akka.Persistence.Sql creates it for <c>table-mapping = sqlite</c> (its linq2db table
/// and the two indexes it adds after it; the SQL below is what that store left in a file, the same declared types and
/// constraints): <see cref="SqliteSnapshotStore"/> and Akka.Persistence.Sql's store read and write the same
/// rows, so a data directory can move between <c>AKKACHAT_JOURNAL=native</c> and <c>sql</c> and older files load.
/// </summary>
/// <remarks>
/// <c>created_at</c> holds <see cref="DateTime.Ticks"/> of the snapshot's timestamp (Akka.Persistence.Sql uses ticks on
/// every provider but SQL Server); <c>payload</c> the snapshot object serialized by Akka serialization, unwrapped;
/// <c>manifest</c> and <c>serializer_id</c> that serializer's manifest and identifier.
/// </remarks>
public static class SqliteSnapshotSchema
{
    public const string Table = "snapshot";

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS [snapshot]
        (
            [persistence_id] NVarChar(255) NOT NULL,
            [sequence_nr]    INTEGER       NOT NULL,
            [created_at]     INTEGER       NOT NULL,
            [payload]        VarBinary         NULL,
            [manifest]       NVarChar(500)     NULL,
            [serializer_id]  INTEGER           NULL,

            CONSTRAINT [PK_snapshot] PRIMARY KEY ([persistence_id], [sequence_nr])
        );
        CREATE INDEX IF NOT EXISTS snapshot_sequence_nr_idx ON snapshot (sequence_nr);
        CREATE INDEX IF NOT EXISTS snapshot_created_at_idx ON snapshot (created_at);
        """;

    /// <summary>Creates the table and its indexes if they do not exist yet (idempotent, one transaction).</summary>
    public static void Ensure(SqliteConnection connection) => SqliteDdl.Run(connection, Ddl);
}
