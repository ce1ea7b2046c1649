namespace AkkaChat.Persistence.Tests.Journal;

using Npgsql;

/// <summary>The PostgreSQL journal's tables: what a new database gets, and what an older one loses (the two unused indexes).</summary>
public sealed class PostgresSchemaSpec : IDisposable
{
    private readonly TempJournalDatabase _database = new();

    [Fact]
    public void A_new_database_indexes_events_by_ordering_and_by_persistence_id_and_sequence_number_only()
    {
        Assert.Equal(["PK_event_journal", "event_journal_uq"], JournalIndexes());
    }

    [Fact]
    public void A_database_with_the_indexes_Akka_Persistence_Sql_adds_loses_them_and_keeps_its_events()
    {
        Execute("""
            CREATE INDEX event_journal_created_at_idx ON event_journal (created_at);
            CREATE INDEX event_journal_sequence_nr_idx ON event_journal (sequence_nr);
            INSERT INTO event_journal (created_at, is_deleted, persistence_id, sequence_nr, payload) VALUES (1, false, 'user-1', 1, '\x01');
            """);

        _database.Storage.Prepare();
        _database.Storage.Prepare(); // idempotent

        Assert.Equal(["PK_event_journal", "event_journal_uq"], JournalIndexes());
        Assert.Equal(new long[] { 1 }, _database.SequenceNrs("user-1"));
    }

    public void Dispose() => _database.Dispose();

    private List<string> JournalIndexes()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE tablename = 'event_journal' ORDER BY indexname COLLATE \"C\"", connection);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private void Execute(string sql)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }
}
