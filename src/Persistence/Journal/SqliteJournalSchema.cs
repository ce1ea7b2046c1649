namespace AkkaChat.Persistence.Journal;

using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;

/// <summary>
/// The journal tables, as Akka.Persistence.Sql lays them out for <c>table-mapping = sqlite</c>: the SQL read journal
/// (history and resume queries), the SQL snapshot store and the SQL journal itself all work on a file written by
/// <see cref="SqliteJournal"/>, and a file written by either journal can be opened by the other.
/// </summary>
/// <remarks>
/// Without two of its indexes: one on <c>timestamp</c> and one on <c>sequence_nr</c> alone, which no query of either
/// journal or of the read journal uses (they find events by persistence id and sequence number, or by ordering). Every
/// stored row was written into both, and <c>sequence_nr</c>'s takes each commit's rows at scattered places (every user's
/// events have similar numbers), so each commit wrote more pages to the WAL: without them a commit of 15 rows from 2,000
/// users writes 37% fewer pages (scripts/sqlite-journal-pages.py, docs/BENCHMARKS.md, issue 14).
/// <see cref="Ensure"/> drops them from older files.
/// </remarks>
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
        DROP INDEX IF EXISTS event_journal_timestamp_idx;
        DROP INDEX IF EXISTS event_journal_sequence_nr_idx;
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

    /// <summary>Creates the tables and indexes that do not exist yet and drops the two unused ones (idempotent, one transaction).</summary>
    public static void Ensure(SqliteConnection connection) => SqliteDdl.Run(connection, Ddl);
}
