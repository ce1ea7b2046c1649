namespace AkkaChat.Persistence.Journal;

using Akka.Configuration;
using Microsoft.Data.Sqlite;

/// <summary>
/// The SQLite journal's HOCON settings (under its plugin path): read by <see cref="SqliteJournal"/> and by
/// <see cref="SqliteSnapshotStore"/>, which shares its writer and reads the same file.
/// </summary>
public sealed record SqliteJournalSettings(string ConnectionString, bool RelaxedSync, int MaxRowsPerCommit, int QueueCapacity, int MaxConcurrentReads, TimeSpan CheckpointInterval)
{
    public static SqliteJournalSettings From(Config config)
    {
        var connectionString = config.GetString("connection-string", "");
        if (string.IsNullOrWhiteSpace(connectionString)) throw new ConfigurationException("the SQLite journal needs a connection-string");
        return new SqliteJournalSettings(
            connectionString,
            config.GetString("synchronous", "full").Equals("normal", StringComparison.OrdinalIgnoreCase),
            config.GetInt("max-rows-per-commit", 1000),
            config.GetInt("queue-capacity", 8192),
            config.GetInt("max-concurrent-reads", 8),
            config.GetTimeSpan("checkpoint-interval", TimeSpan.FromSeconds(1)));
    }
}

/// <summary>
/// Reads on pooled connections of their own, off the caller's thread (Microsoft.Data.Sqlite is synchronous underneath),
/// at most <see cref="SqliteJournalSettings.MaxConcurrentReads"/> at a time. WAL mode lets them read while the writer commits.
/// </summary>
public sealed class SqliteReads(SqliteJournalSettings settings)
{
    private readonly SemaphoreSlim _slots = new(settings.MaxConcurrentReads);

    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> work)
    {
        await _slots.WaitAsync();
        try
        {
            return await Task.Run(() =>
            {
                using var connection = SqliteJournalWriter.Open(settings.ConnectionString, settings.RelaxedSync);
                return work(connection);
            });
        }
        finally
        {
            _slots.Release();
        }
    }
}
