namespace AkkaChat.Persistence.Tests.Journal;

using AkkaChat.Persistence.Journal;
using Microsoft.Data.Sqlite;

/// <summary>The SQLite journal's tables: what a new file gets, and what an older file loses (the two unused indexes).</summary>
public sealed class SqliteSchemaSpec : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("akkachat-schema-").FullName;

    [Fact]
    public void A_new_file_indexes_events_by_persistence_id_and_sequence_number_only()
    {
        using var connection = Open();

        SqliteJournalSchema.Ensure(connection);

        Assert.Equal(["event_journal_uq"], JournalIndexes(connection));
    }

    [Fact]
    public void A_file_with_the_indexes_Akka_Persistence_Sql_adds_loses_them_and_keeps_its_events()
    {
        using var connection = Open();
        Execute(connection, """
            CREATE TABLE event_journal (
                ordering INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, is_deleted Bit NOT NULL,
                persistence_id NVarChar(255) NOT NULL, sequence_nr INTEGER NOT NULL, payload VarBinary NOT NULL,
                manifest NVarChar(500) NULL, serializer_id INTEGER NULL);
            CREATE UNIQUE INDEX event_journal_uq ON event_journal (persistence_id, sequence_nr);
            CREATE INDEX event_journal_timestamp_idx ON event_journal (timestamp);
            CREATE INDEX event_journal_sequence_nr_idx ON event_journal (sequence_nr);
            INSERT INTO event_journal (timestamp, is_deleted, persistence_id, sequence_nr, payload) VALUES (1, 0, 'user-1', 1, x'01');
            """);

        SqliteJournalSchema.Ensure(connection);
        SqliteJournalSchema.Ensure(connection); // idempotent

        Assert.Equal(["event_journal_uq"], JournalIndexes(connection));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM event_journal WHERE persistence_id = 'user-1' AND sequence_nr = 1"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true); // connections are unpooled: nothing holds the file

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "journal.db")};Pooling=false");
        connection.Open();
        return connection;
    }

    private static List<string> JournalIndexes(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_journal' AND sql IS NOT NULL ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
