namespace AkkaChat.Persistence.Tests.Journal;

using System.Data.Common;
using AkkaChat.Persistence.Journal;
using AkkaChat.Persistence.Storage;
using Npgsql;

/// <summary>
/// A fresh database <c>akkachat_test_…</c> on the PostgreSQL server named by <c>AKKACHAT_TEST_PG</c>, prepared the
/// way the app prepares its database (<see cref="ChatStorage.Prepare"/>: journal tables). Disposing drops it, closing
/// whatever connections are still open to it.
/// </summary>
public sealed class TempJournalDatabase : JournalStore
{
    /// <summary>An Npgsql connection string without a Database, to a server where the tests may create and drop databases.</summary>
    public const string ServerVariable = "AKKACHAT_TEST_PG";

    private static readonly TimeSpan LockWaitBound = TimeSpan.FromSeconds(10);

    private readonly string _server;
    private readonly string _direct;

    public TempJournalDatabase()
        : this(new NpgsqlConnectionStringBuilder(ServerConnectionString()) { Database = $"akkachat_test_{Guid.NewGuid():N}" })
    {
    }

    private TempJournalDatabase(NpgsqlConnectionStringBuilder database)
        : base(ChatStorage.Postgres(database.ConnectionString))
    {
        Name = database.Database!;
        _server = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        _direct = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString;
        OnServer($"CREATE DATABASE {Name}");
        try
        {
            Storage.Prepare();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    protected override Type NativeJournal => typeof(PostgresJournal);

    protected override string SqlProvider => "PostgreSQL.15";

    protected override string SqlTableMapping => "postgresql";

    protected override string JournalIndexesSql =>
        "SELECT indexname FROM pg_indexes WHERE tablename = 'event_journal' AND schemaname = current_schema() ORDER BY indexname COLLATE \"C\"";

    /// <summary>
    /// Locks the journal table against every insert (COPY included), reads still pass. Released on dispose, but only
    /// once a write is seen waiting for it (bounded): the writes queued meanwhile certainly gathered behind it.
    /// </summary>
    public override IDisposable HoldWriteLock() => new TableLock(this);

    /// <summary>
    /// Terminates the server backend of every other connection to this database, as a database restart or a network
    /// failure would, and waits (bounded) until they are gone. Returns how many it terminated.
    /// </summary>
    public int TerminateOtherConnections()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FILTER (WHERE terminated) FROM (
                SELECT pg_terminate_backend(pid, 5000) AS terminated FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()) AS backends
            """;
        return Convert.ToInt32(command.ExecuteScalar());
    }

    public override void Dispose()
    {
        using (var pooled = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(pooled);
        OnServer($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    protected override DbConnection Open()
    {
        var connection = new NpgsqlConnection(_direct);
        connection.Open();
        return connection;
    }

    private void AwaitBlockedWriter()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
            """;
        var deadline = DateTime.UtcNow + LockWaitBound;
        while (Convert.ToInt64(command.ExecuteScalar()) == 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no write waited for the lock on {PostgresJournalSchema.Table} within {LockWaitBound}");
            Thread.Sleep(5);
        }
    }

    private static string ServerConnectionString()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException(
                $"The PostgreSQL journal specs need a real server: set {ServerVariable} to an Npgsql connection string " +
                "without a Database (user postgres, allowed to create and drop databases), or run scripts/test.sh, which starts one.");
        return server;
    }

    private void OnServer(string sql)
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private sealed class TableLock(TempJournalDatabase database) : IDisposable
    {
        private readonly TransactionLock _lock = new(database.Open(), $"BEGIN; LOCK TABLE {PostgresJournalSchema.Table} IN EXCLUSIVE MODE;");

        public void Dispose()
        {
            try
            {
                database.AwaitBlockedWriter();
            }
            finally
            {
                _lock.Dispose();
            }
        }
    }
}
