namespace AkkaChat.Persistence.Storage;

using Microsoft.Data.Sqlite;

/// <summary>Schema statements on SQLite: the journal's and the snapshot store's tables are created the same way.</summary>
internal static class SqliteDdl
{
    /// <summary>Runs <paramref name="ddl"/> (idempotent statements) in one transaction: all of it or none.</summary>
    public static void Run(SqliteConnection connection, string ddl)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = ddl;
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
