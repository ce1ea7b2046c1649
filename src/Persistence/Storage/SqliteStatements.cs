namespace AkkaChat.Persistence.Storage;

using Microsoft.Data.Sqlite;
using SQLitePCL;

/// <summary>
/// Statements prepared once and stepped on SQLite's own API (<c>SQLitePCL.raw</c>), as the journal's writer and the
/// snapshot store use them: Microsoft.Data.Sqlite's commands allocate a reader, an enumerator and a binder per call.
/// </summary>
internal static class SqliteStatements
{
    public static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        return statement;
    }

    /// <summary>Steps a statement that returns no rows, then resets it for its next use, whether it succeeded or not.</summary>
    public static void StepDone(sqlite3 db, sqlite3_stmt statement)
    {
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE) Check(db, rc);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Throws what Microsoft.Data.Sqlite would for a result code other than OK, with the connection's message.</summary>
    public static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));
    }
}
