namespace AkkaChat.Persistence.Journal;

using Microsoft.Data.Sqlite;

/// <summary>
/// The journal tables, exactly as Akka.Persistence.Sql lays them out for <c>table-mapping = sqlite</c>: the SQL read
/// journal (history and resume queries), the SQL snapshot store and the SQL journal itself all work on a file written
/// by <see cref="SqliteJournal"/>, and a file written by either journal can be opened by the other.
/// </summary>
public static class SqliteJournalSchema
{
    public const string Table = "event_journal";

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS [event_journal]
        (
            [ordering]       INTEGER        NOT NULL PRIMARY KEY AUTOINCREMENT,
            [timestamp]      INTEGER        NOT NULL,
            [is_deleted]     Bit            NOT NULL,
            [persistence_id] NVarChar(255)  NOT NULL,
            [sequence_nr]    INTEGER        NOT NULL,
            [payload]        VarBinary      NOT NULL,
            [manifest]       NVarChar(500)      NULL,
            [serializer_id]  INTEGER            NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS event_journal_uq ON event_journal (persistence_id, sequence_nr);
        CREATE INDEX IF NOT EXISTS event_journal_timestamp_idx ON event_journal (timestamp);
        CREATE INDEX IF NOT EXISTS event_journal_sequence_nr_idx ON event_journal (sequence_nr);
        CREATE TABLE IF NOT EXISTS [tags]
        (
            [ordering_id]    INTEGER       NOT NULL,
            [tag]            NVarChar(64)  NOT NULL,
            [sequence_nr]    INTEGER       NOT NULL,
            [persistence_id] NVarChar(255) NOT NULL,
            CONSTRAINT [PK_tags] PRIMARY KEY ([ordering_id], [tag])
        );
        CREATE INDEX IF NOT EXISTS tags_persistence_id_sequence_nr_idx ON tags (persistence_id, sequence_nr);
        CREATE INDEX IF NOT EXISTS tags_tag_idx ON tags (tag);
        """;

    /// <summary>Creates the tables and indexes that do not exist yet (idempotent, one transaction).</summary>
    public static void Ensure(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Ddl;
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
