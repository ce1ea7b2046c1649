namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Configuration;
using AkkaChat.Persistence.Serialization;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;

/// <summary>
/// A real SQLite journal file in a fresh temporary directory, prepared the way the app prepares its data directory
/// (<see cref="ChatStorage.Prepare"/>: WAL mode, journal tables), plus the one place that builds actor system config
/// for it. Disposing deletes the directory.
/// </summary>
public sealed class TempJournalFile : IDisposable
{
    public TempJournalFile()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("akkachat-journal-").FullName;
        Storage = ChatStorage.Sqlite(Directory);
        Storage.Prepare();
    }

    public string Directory { get; }

    public ChatStorage Storage { get; }

    public string ConnectionString => Storage.ConnectionString;

    /// <summary>
    /// Config for an actor system whose persistent actors write through <paramref name="journal"/>: the app's own
    /// wiring (plugin choice, connection strings, chat serializer) around the plugin settings of hocon/persistence.sqlite.conf
    /// that the tests rely on, and a local snapshot store under this directory.
    /// </summary>
    public Config Config(JournalKind journal = JournalKind.Native)
    {
        var storage = Storage with { Journal = journal };
        var snapshots = Path.Combine(Directory, "snapshots");
        return ConfigurationFactory.ParseString($$""""
            akka.loglevel = INFO
            akka.persistence {
              journal {
                sqlite.class = "AkkaChat.Persistence.Journal.SqliteJournal, AkkaChat.Persistence"
                sql {
                  provider-name = "SQLite.MS"
                  table-mapping = sqlite
                  auto-initialize = true
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.local"
                local.dir = """{{snapshots}}"""
              }
              query.journal.sql {
                write-plugin = "akka.persistence.journal.sql"
                provider-name = "SQLite.MS"
                table-mapping = sqlite
              }
            }
            akka.actor {
              serializers.refusing = "{{typeof(RefusingSerializer).AssemblyQualifiedName}}"
              serialization-bindings {
                "{{typeof(Unserializable).AssemblyQualifiedName}}" = refusing
              }
            }
            """")
            .WithFallback(storage.OverrideConfig())
            .WithFallback(storage.ConnectionConfig())
            .WithFallback(ChatSerialization.Config);
    }

    /// <summary>The sequence numbers stored for <paramref name="persistenceId"/>, ascending, read with a plain connection.</summary>
    public IReadOnlyList<long> SequenceNrs(string persistenceId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_nr FROM event_journal WHERE persistence_id = $id ORDER BY sequence_nr";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var sequenceNrs = new List<long>();
        while (reader.Read()) sequenceNrs.Add(reader.GetInt64(0));
        return sequenceNrs;
    }

    /// <summary>How many rows the journal table holds, for all persistence ids.</summary>
    public long RowCount()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM event_journal";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Takes SQLite's write lock from another connection until disposed: writes queue up behind it, so the next
    /// commit groups every write made meanwhile (deterministically, not by timing luck).
    /// </summary>
    public IDisposable HoldWriteLock() => new WriteLock(Open());

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(connection);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    private sealed class WriteLock : IDisposable
    {
        private readonly SqliteConnection _connection;

        public WriteLock(SqliteConnection connection)
        {
            _connection = connection;
            Execute("BEGIN IMMEDIATE;");
        }

        public void Dispose()
        {
            Execute("ROLLBACK;");
            _connection.Dispose();
        }

        private void Execute(string sql)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
