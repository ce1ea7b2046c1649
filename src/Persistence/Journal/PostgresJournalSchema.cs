namespace AkkaChat.Persistence.Journal;

using Npgsql;

/// <summary>
/// The journal tables on PostgreSQL, as Akka.Persistence.Sql lays them out for <c>table-mapping = postgresql</c>, so its
/// read journal and snapshot store share the database with <see cref="PostgresJournal"/>; and its snapshot table: left
/// to the snapshot store's own auto-initialize, nodes starting together on a fresh database raced to create it (one
/// failed with 23505 on <c>pg_type</c>), so it is created here under the lock too.
/// </summary>
/// <remarks>
/// Without two of Akka.Persistence.Sql's indexes, on <c>created_at</c> and on <c>sequence_nr</c> alone: no query of
/// either journal or of the read journal uses them, and every stored row was written into both (as on SQLite,
/// <see cref="SqliteJournalSchema"/>). <see cref="Ensure"/> drops them from older databases.
/// </remarks>
public static class PostgresJournalSchema
{
    public const string Table = "event_journal";

    /// <summary>Any fixed number: nodes starting together take turns creating the tables.</summary>
    private const long SchemaLock = 0x416b6b6143686174; // "AkkaChat"

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS event_journal (
            ordering       bigint GENERATED ALWAYS AS IDENTITY,
            created_at     bigint  NOT NULL,
            is_deleted     boolean NOT NULL,
            persistence_id text    NOT NULL,
            sequence_nr    bigint  NOT NULL,
            payload        bytea   NOT NULL,
            manifest       text,
            serializer_id  integer,
            CONSTRAINT "PK_event_journal" PRIMARY KEY (ordering),
            CONSTRAINT event_journal_uq UNIQUE (persistence_id, sequence_nr)
        );
        DROP INDEX IF EXISTS event_journal_created_at_idx;
        DROP INDEX IF EXISTS event_journal_sequence_nr_idx;
        CREATE TABLE IF NOT EXISTS tags (
            ordering_id    bigint NOT NULL,
            tag            text   NOT NULL,
            sequence_nr    bigint NOT NULL,
            persistence_id text   NOT NULL,
            CONSTRAINT "PK_tags" PRIMARY KEY (ordering_id, tag)
        );
        CREATE INDEX IF NOT EXISTS tags_persistence_id_sequence_nr_idx ON tags (persistence_id, sequence_nr);
        CREATE INDEX IF NOT EXISTS tags_tag_idx ON tags (tag);
        CREATE TABLE IF NOT EXISTS snapshot_store (
            persistence_id text   NOT NULL,
            sequence_nr    bigint NOT NULL,
            created_at     bigint NOT NULL,
            payload        bytea,
            manifest       text,
            serializer_id  integer,
            CONSTRAINT "PK_snapshot_store" PRIMARY KEY (persistence_id, sequence_nr)
        );
        """;

    /// <summary>
    /// Creates the tables and indexes that do not exist yet and drops the two unused ones (idempotent, one transaction,
    /// one node at a time).
    /// </summary>
    public static void Ensure(NpgsqlConnection connection) => EnsureUnderLock(connection, Ddl);

    /// <summary>
    /// Runs idempotent DDL in one transaction under the schema lock: PostgreSQL's <c>IF NOT EXISTS</c> alone still fails
    /// when two nodes create the same table at the same moment.
    /// </summary>
    public static void EnsureUnderLock(NpgsqlConnection connection, string ddl)
    {
        using var transaction = connection.BeginTransaction();
        using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLock})", connection, transaction))
            lockCommand.ExecuteNonQuery();
        using (var command = new NpgsqlCommand(ddl, connection, transaction))
            command.ExecuteNonQuery();
        transaction.Commit();
    }
}
