namespace AkkaChat.Persistence.Storage;

using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using AkkaChat.Persistence.Attachments;
using AkkaChat.Persistence.Journal;
using AkkaChat.Persistence.Snapshots;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Npgsql;

public enum StorageKind
{
    Sqlite,
    Postgres,
}

public enum JournalKind
{
    /// <summary>AkkaChat's own journal (<see cref="SqliteJournal"/>, <see cref="PostgresJournal"/>): group commit.</summary>
    Native,

    /// <summary>Akka.Persistence.Sql's journal (linq2db), and its snapshot store on SQLite too.</summary>
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
    /// Which journal writes the events. <see cref="JournalKind.Native"/> (the default) is AkkaChat's own
    /// (<see cref="SqliteJournal"/> or <see cref="PostgresJournal"/>); <see cref="JournalKind.Sql"/> is
    /// Akka.Persistence.Sql's journal. Both use the same tables, so a database can switch between them.
    /// </summary>
    public JournalKind Journal { get; init; } = JournalKind.Native;

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
            akka.persistence.journal.postgres.connection-string = {quoted}
            akka.persistence.journal.sql.connection-string = {quoted}
            akka.persistence.snapshot-store.sqlite.connection-string = {quoted}
            akka.persistence.snapshot-store.sql.connection-string = {quoted}
            akka.persistence.query.journal.sql.connection-string = {quoted}
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// What this storage decides over the HOCON file (so it goes in front of it): which journal and snapshot plugins,
    /// and for SQLite how the native journal and snapshot store sync their commits.
    /// </summary>
    public Config OverrideConfig() => ConfigurationFactory.ParseString($"""
        akka.persistence.journal.plugin = "{JournalPlugin}"
        akka.persistence.journal.sqlite.synchronous = {(RelaxedSync ? "normal" : "full")}
        akka.persistence.snapshot-store.plugin = "{SnapshotPlugin}"
        akka.persistence.snapshot-store.sqlite.synchronous = {(RelaxedSync ? "normal" : "full")}
        """);

    /// <summary>The HOCON path of the journal plugin that writes events.</summary>
    public string JournalPlugin => (Journal, Kind) switch
    {
        (JournalKind.Sql, _) => "akka.persistence.journal.sql",
        (_, StorageKind.Sqlite) => "akka.persistence.journal.sqlite",
        _ => "akka.persistence.journal.postgres",
    };

    /// <summary>
    /// The HOCON path of the snapshot store: AkkaChat's own on SQLite (<see cref="SqliteSnapshotStore"/>), Akka.Persistence.Sql's
    /// on PostgreSQL and whenever the SQL journal is chosen, so that mode stays Akka.Persistence.Sql's throughout. Both
    /// stores use the same table and rows.
    /// </summary>
    public string SnapshotPlugin => (Journal, Kind) switch
    {
        (JournalKind.Native, StorageKind.Sqlite) => "akka.persistence.snapshot-store.sqlite",
        _ => "akka.persistence.snapshot-store.sql",
    };

    /// <summary>
    /// The statements every SQLite connection runs as it opens: SQLite's busy handler (it retries the write lock within
    /// a millisecond or two, where Microsoft.Data.Sqlite's own retry sleeps 150 ms between attempts — a visible stall
    /// whenever the journal and the snapshot store meet at the lock), and <c>synchronous=NORMAL</c> when chosen.
    /// </summary>
    public string ConnectionPragmas() =>
        $"PRAGMA busy_timeout={SqliteJournalWriter.BusyTimeoutMs};" + (RelaxedSync ? " PRAGMA synchronous=NORMAL;" : "");

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
    /// Prepares the database before the actor system starts: creates the journal tables (whichever journal writes
    /// them, the read journal may query them first) and the snapshot table (whichever store writes it), and, on
    /// PostgreSQL, the attachments and shared secrets tables; for SQLite also creates the file and switches it to WAL
    /// mode (a property of the file, so it holds for every later connection) so readers never block the writer.
    /// </summary>
    public void Prepare()
    {
        if (Kind == StorageKind.Postgres)
        {
            using var postgres = new NpgsqlConnection(ConnectionString);
            postgres.Open();
            PostgresJournalSchema.Ensure(postgres);
            PostgresJournalSchema.EnsureUnderLock(postgres, PostgresAttachmentStore.Ddl + SharedSecrets.Ddl);
            return;
        }
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
        SqliteSnapshotSchema.Ensure(connection);
    }
}
