namespace AkkaChat.Persistence.Tests.Journal;

using System.Data.Common;
using AkkaChat.Persistence.Journal;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;

/// <summary>
/// A real SQLite journal file in a fresh temporary directory, prepared the way the app prepares its data directory
/// (<see cref="ChatStorage.Prepare"/>: WAL mode, journal tables). Disposing deletes the directory.
/// </summary>
public sealed class TempJournalFile : JournalStore
{
    public TempJournalFile()
        : this(System.IO.Directory.CreateTempSubdirectory("akkachat-journal-").FullName)
    {
    }

    private TempJournalFile(string directory)
        : base(ChatStorage.Sqlite(directory))
    {
        Directory = directory;
        Storage.Prepare();
    }

    public string Directory { get; }

    protected override Type NativeJournal => typeof(SqliteJournal);

    protected override string SqlProvider => "SQLite.MS";

    protected override string SqlTableMapping => "sqlite";

    // Indexes SQLite makes for constraints have no SQL of their own; the journal's are all created by name.
    protected override string JournalIndexesSql =>
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_journal' AND sql IS NOT NULL ORDER BY name";

    /// <summary>Takes SQLite's write lock (the database's one writer slot) from another connection.</summary>
    public override IDisposable HoldWriteLock() => new TransactionLock(Open(), "BEGIN IMMEDIATE;");

    public override void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(connection);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    protected override DbConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}
