namespace AkkaChat.Persistence.Journal;

using System.Text;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

/// <summary>
/// The one writer of the SQLite journal: one connection and one prepared insert on <see cref="GroupCommitWriter"/>'s
/// thread. SQLite has a single writer anyway, so one thread doing only inserts and commits is as fast as it gets.
/// </summary>
/// <remarks>
/// Rows are bound and stepped on SQLite's own API (the statement is prepared once; text is encoded into one reused
/// buffer): Microsoft.Data.Sqlite's <c>ExecuteNonQuery</c> allocates a data reader, a statement enumerator and a binder
/// per parameter on every call, about a tenth of all the node's allocations per chat message.
/// </remarks>
/// <remarks>
/// No connection of the journal checkpoints the WAL inside a commit (SQLite would, every 1,000 pages, stalling every
/// persist behind it): <see cref="SqliteWalCheckpointer"/> runs passive checkpoints on a connection of its own, which do
/// not block commits, and asks the writer between two commits to copy a short tail when the WAL is due to start over.
/// </remarks>
public sealed class SqliteJournalWriter : GroupCommitWriter
{
    /// <summary>
    /// How long any SQLite connection of the node (the writer's, the journal's readers, the snapshot store's, linq2db's) waits for the write
    /// lock held by another before it gives up (SQLite's own busy handler).
    /// </summary>
    public const int BusyTimeoutMs = 10_000;

    // Parameter positions in the insert.
    private const int Timestamp = 1, PersistenceId = 2, SequenceNr = 3, Payload = 4, Manifest = 5, SerializerId = 6;

    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _begin, _commit, _rollback;
    private readonly SqliteWalCheckpointer _checkpointer;
    private byte[] _text = new byte[256];

    public SqliteJournalWriter(string connectionString, bool relaxedSync, GroupCommitSettings commits, WalSettings wal)
        : base(commits, "akkachat-sqlite-journal")
    {
        _connection = Open(connectionString, relaxedSync);
        Execute($"PRAGMA journal_size_limit={wal.SizeLimit};");
        SqliteJournalSchema.Ensure(_connection);
        _checkpointer = new SqliteWalCheckpointer(Open(connectionString, relaxedSync), wal, () => Commits);

        _db = _connection.Handle!;
        _insert = SqliteStatements.Prepare(_db, $"""
            INSERT INTO {SqliteJournalSchema.Table} (timestamp, is_deleted, persistence_id, sequence_nr, payload, manifest, serializer_id)
            VALUES (?{Timestamp}, 0, ?{PersistenceId}, ?{SequenceNr}, ?{Payload}, ?{Manifest}, ?{SerializerId})
            """);
        _begin = SqliteStatements.Prepare(_db, "BEGIN IMMEDIATE");
        _commit = SqliteStatements.Prepare(_db, "COMMIT");
        _rollback = SqliteStatements.Prepare(_db, "ROLLBACK");

        Start();
    }

    /// <summary>
    /// Opens a connection with the journal's durability and SQLite's own (fine-grained) busy handler, which never
    /// checkpoints inside its commits (<see cref="SqliteWalCheckpointer"/> does: left to SQLite, every snapshot saved
    /// under load ran a checkpoint on the snapshot store's connection, the WAL being always past 1,000 pages).
    /// </summary>
    public static SqliteConnection Open(string connectionString, bool relaxedSync)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA synchronous={(relaxedSync ? "NORMAL" : "FULL")}; PRAGMA wal_autocheckpoint=0;";
        command.ExecuteNonQuery();
        return connection;
    }

    protected override void InsertAndCommit(IReadOnlyList<JournalRow> rows)
    {
        _checkpointer.FinishIfAsked(_db);
        Step(_begin);
        try
        {
            for (var i = 0; i < rows.Count; i++) Insert(rows[i]);
            Step(_commit);
        }
        catch
        {
            raw.sqlite3_step(_rollback); // fails harmlessly when SQLite already rolled back
            raw.sqlite3_reset(_rollback);
            throw;
        }
    }

    /// <summary>
    /// Runs one of the prepared transaction statements. Prepared once like the insert: <c>sqlite3_exec</c> would parse
    /// the SQL again and allocate a finalizable hook handle on every call, two per commit on the writer's thread.
    /// </summary>
    private void Step(sqlite3_stmt statement) => SqliteStatements.StepDone(_db, statement);

    /// <summary>A constraint (a sequence number stored twice); busy, I/O and the rest are the database's.</summary>
    protected override bool IsRowError(Exception failure) => failure is SqliteException { SqliteErrorCode: raw.SQLITE_CONSTRAINT };

    private void Insert(in JournalRow row)
    {
        try
        {
            Check(raw.sqlite3_bind_int64(_insert, Timestamp, row.Timestamp));
            Check(raw.sqlite3_bind_text(_insert, PersistenceId, Utf8(row.PersistenceId, 0, out var idLength)));
            Check(raw.sqlite3_bind_int64(_insert, SequenceNr, row.SequenceNr));
            Check(raw.sqlite3_bind_blob(_insert, Payload, row.Payload));
            Check(raw.sqlite3_bind_text(_insert, Manifest, Utf8(row.Manifest, idLength, out _)));
            Check(raw.sqlite3_bind_int(_insert, SerializerId, row.SerializerId));
            var step = raw.sqlite3_step(_insert);
            if (step != raw.SQLITE_DONE) Check(step);
        }
        finally
        {
            raw.sqlite3_reset(_insert);
        }
    }

    /// <summary>Encodes <paramref name="text"/> into the reused buffer after <paramref name="offset"/> bytes already in use there.</summary>
    private ReadOnlySpan<byte> Utf8(string text, int offset, out int end)
    {
        var needed = offset + Encoding.UTF8.GetMaxByteCount(text.Length);
        if (needed > _text.Length)
        {
            var larger = new byte[Math.Max(needed, _text.Length * 2)];
            _text.AsSpan(0, offset).CopyTo(larger);
            _text = larger;
        }
        end = offset + Encoding.UTF8.GetBytes(text, _text.AsSpan(offset));
        return _text.AsSpan(offset, end - offset);
    }

    private void Check(int rc) => SqliteStatements.Check(_db, rc);

    protected override void ReleaseConnection()
    {
        _checkpointer.Dispose();
        _insert.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
