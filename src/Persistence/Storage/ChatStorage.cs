namespace AkkaChat.Persistence.Storage;

using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using AkkaChat.Persistence.Journal;
using LinqToDB;
using Microsoft.Data.Sqlite;

public enum StorageKind
{
    Sqlite,
    Postgres,
}

public enum SqliteJournalKind
{
    /// <summary><see cref="SqliteJournal"/>: prepared inserts, group commit.</summary>
    Native,

    /// <summary>Akka.Persistence.Sql's journal (linq2db).</summary>
    Sql,
}

/// <summary>Journal and snapshot store wiring: which HOCON file, which connection string.</summary>
public sealed record ChatStorage(StorageKind Kind, string ConnectionString)
{
    /// <summary>
    /// SQLite only: commit with <c>synchronous=NORMAL</c> instead of FULL. Under WAL this survives any process crash
    /// (kill -9 included) but a power loss or OS crash may roll back the last commits — an explicit trade for speed.
    /// </summary>
    public bool RelaxedSync { get; init; }

    /// <summary>
    /// SQLite only: which journal writes the events. <see cref="SqliteJournalKind.Native"/> (the default) is
    /// <see cref="SqliteJournal"/>; <see cref="SqliteJournalKind.Sql"/> is Akka.Persistence.Sql's journal. Both use the
    /// same tables, so a data directory can switch between them.
    /// </summary>
    public SqliteJournalKind Journal { get; init; } = SqliteJournalKind.Native;

    public const string SqliteFileName = "akkachat.db";

    public static ChatStorage Sqlite(string dataDir) =>
        new(StorageKind.Sqlite, new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Path.GetFullPath(dataDir), SqliteFileName),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString());

    public static ChatStorage Postgres(string connectionString) => new(StorageKind.Postgres, connectionString);

    /// <summary>The HOCON file (under <c>hocon/</c>) with this kind's plugin settings.</summary>
    public string HoconFile => Kind == StorageKind.Sqlite ? "persistence.sqlite.conf" : "persistence.postgres.conf";

    /// <summary>The connection string for journal, snapshot store and read journal, plus the plugin's own defaults as fallback.</summary>
    public Config ConnectionConfig()
    {
        var quoted = "\"\"\"" + ConnectionString + "\"\"\"";
        return ConfigurationFactory.ParseString($"""
            akka.persistence.journal.sqlite.connection-string = {quoted}
            akka.persistence.journal.sql.connection-string = {quoted}
            akka.persistence.snapshot-store.sql.connection-string = {quoted}
            akka.persistence.query.journal.sql.connection-string = {quoted}
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// What this storage decides over the HOCON file (so it goes in front of it): for SQLite, which journal plugin and
    /// how the native journal syncs its commits. Empty for PostgreSQL.
    /// </summary>
    public Config OverrideConfig() =>
        Kind != StorageKind.Sqlite
            ? Config.Empty
            : ConfigurationFactory.ParseString($"""
                akka.persistence.journal.plugin = "{(Journal == SqliteJournalKind.Native ? "akka.persistence.journal.sqlite" : "akka.persistence.journal.sql")}"
                akka.persistence.journal.sqlite.synchronous = {(RelaxedSync ? "normal" : "full")}
                """);

    /// <summary>How long a SQLite connection waits for the write lock before it gives up (SQLite's own busy handler).</summary>
    public const int BusyTimeoutMs = 10_000;

    /// <summary>
    /// The statements every SQLite connection runs as it opens: SQLite's busy handler (it retries the write lock within
    /// a millisecond or two, where Microsoft.Data.Sqlite's own retry sleeps 150 ms between attempts — a visible stall
    /// whenever the journal and the snapshot store meet at the lock), and <c>synchronous=NORMAL</c> when chosen.
    /// </summary>
    public string ConnectionPragmas() =>
        $"PRAGMA busy_timeout={BusyTimeoutMs};" + (RelaxedSync ? " PRAGMA synchronous=NORMAL;" : "");

    /// <summary>
    /// The linq2db options every SQL plugin (journal, snapshots, read journal) uses on SQLite: each new connection runs
    /// <see cref="ConnectionPragmas"/> as it opens. Null for PostgreSQL (nothing differs from the HOCON).
    /// </summary>
    public DataOptionsSetup? SqliteConnectionSetup() =>
        Kind == StorageKind.Sqlite
            ? new DataOptionsSetup(new DataOptions()
                .UseConnectionString(ProviderName.SQLiteMS, ConnectionString)
                .UseAfterConnectionOpened(
                    connection => RunPragmas(connection),
                    (connection, _) =>
                    {
                        RunPragmas(connection);
                        return Task.CompletedTask;
                    }))
            : null;

    private void RunPragmas(System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = ConnectionPragmas();
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Prepares the database before the actor system starts: for SQLite, creates the file, switches it to WAL mode (a
    /// property of the file, so it holds for every later connection) so readers never block the writer, and creates
    /// the journal tables (whichever journal writes them, the read journal may query them first).
    /// </summary>
    public void Prepare()
    {
        if (Kind != StorageKind.Sqlite) return;
        var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite refused WAL mode for {path} (got '{mode}')");
        SqliteJournalSchema.Ensure(connection);
    }
}
