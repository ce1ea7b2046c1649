namespace AkkaChat.Persistence.Tests.Journal;

using System.Data.Common;
using Akka.Configuration;
using AkkaChat.Persistence.Serialization;
using AkkaChat.Persistence.Storage;

/// <summary>
/// The storage of one test, of its own and prepared the way the app prepares it (<see cref="ChatStorage.Prepare"/>):
/// <see cref="TempJournalFile"/> on SQLite, <see cref="TempJournalDatabase"/> on PostgreSQL. The one place that builds
/// actor system config for the journal specs, and plain-connection reads of what the journal stored. Disposing
/// removes it.
/// </summary>
public abstract class JournalStore(ChatStorage storage) : IDisposable
{
    public ChatStorage Storage { get; } = storage;

    public string ConnectionString => Storage.ConnectionString;

    /// <summary>AkkaChat's own journal on this storage (the plugin class behind <see cref="JournalKind.Native"/>).</summary>
    protected abstract Type NativeJournal { get; }

    /// <summary>Akka.Persistence.Sql's provider name for this storage.</summary>
    protected abstract string SqlProvider { get; }

    /// <summary>Akka.Persistence.Sql's table layout for this storage.</summary>
    protected abstract string SqlTableMapping { get; }

    /// <summary>A query of one column: the names of the journal table's indexes, ordered by name.</summary>
    protected abstract string JournalIndexesSql { get; }

    /// <summary>
    /// Config for an actor system whose persistent actors write through <paramref name="journal"/>: the app's own
    /// wiring (plugin choice, connection strings, chat serializer) around the plugin settings of the storage's
    /// hocon/persistence.*.conf that the tests rely on.
    /// </summary>
    public Config Config(JournalKind journal = JournalKind.Native)
    {
        var storage = Storage with { Journal = journal };
        return ConfigurationFactory.ParseString($$""""
            akka.loglevel = INFO
            {{Storage.JournalPlugin}}.class = "{{NativeJournal.FullName}}, {{NativeJournal.Assembly.GetName().Name}}"
            akka.persistence {
              journal.sql {
                provider-name = "{{SqlProvider}}"
                table-mapping = {{SqlTableMapping}}
                auto-initialize = true
              }
              # No spec takes snapshots; recovery only asks for the latest.
              snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
              query.journal.sql {
                write-plugin = "akka.persistence.journal.sql"
                provider-name = "{{SqlProvider}}"
                table-mapping = {{SqlTableMapping}}
              }
            }
            akka.actor {
              serializers.refusing = "{{typeof(RefusingSerializer).AssemblyQualifiedName}}"
              serialization-bindings {
                "{{typeof(Unserializable).AssemblyQualifiedName}}" = refusing
                "{{typeof(UnstorableChatEvent).AssemblyQualifiedName}}" = refusing
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
        using var command = ForPersistenceId(connection, "SELECT sequence_nr FROM event_journal WHERE persistence_id = @id ORDER BY sequence_nr", persistenceId);
        return ReadColumn(command, reader => reader.GetInt64(0));
    }

    /// <summary>The names of the journal table's indexes (those the schema creates, primary key included where it is one), by name.</summary>
    public IReadOnlyList<string> JournalIndexes()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = JournalIndexesSql;
        return ReadColumn(command, reader => reader.GetString(0));
    }

    /// <summary>Runs <paramref name="sql"/> on a plain connection (the test setting up what the app would meet).</summary>
    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>How many of <paramref name="persistenceId"/>'s rows have a NULL payload or manifest (empty values must stay empty).</summary>
    public long RowsWithNullPayloadOrManifest(string persistenceId)
    {
        using var connection = Open();
        using var command = ForPersistenceId(connection, "SELECT COUNT(*) FROM event_journal WHERE persistence_id = @id AND (payload IS NULL OR manifest IS NULL)", persistenceId);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>A command of <paramref name="sql"/> with <c>@id</c> bound to <paramref name="persistenceId"/>.</summary>
    private static DbCommand ForPersistenceId(DbConnection connection, string sql, string persistenceId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var id = command.CreateParameter();
        id.ParameterName = "@id";
        id.Value = persistenceId;
        command.Parameters.Add(id);
        return command;
    }

    private static List<T> ReadColumn<T>(DbCommand command, Func<DbDataReader, T> read)
    {
        using var reader = command.ExecuteReader();
        var values = new List<T>();
        while (reader.Read()) values.Add(read(reader));
        return values;
    }

    /// <summary>How many rows the journal table holds, for all persistence ids.</summary>
    public long RowCount()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM event_journal";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>
    /// Blocks every write to the journal table from another connection until disposed: writes queue up behind it, so
    /// the next commit groups every write made meanwhile (deterministically, not by timing luck).
    /// </summary>
    public abstract IDisposable HoldWriteLock();

    public abstract void Dispose();

    /// <summary>An open connection of the test's own, outside any pool the journal uses.</summary>
    protected abstract DbConnection Open();

    /// <summary>A lock held by a transaction that <paramref name="begin"/> opens on a connection of its own; rolled back on dispose.</summary>
    protected sealed class TransactionLock : IDisposable
    {
        private readonly DbConnection _connection;

        public TransactionLock(DbConnection connection, string begin)
        {
            _connection = connection;
            Execute(begin);
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
