namespace AkkaChat.Edge.Tests;

using Npgsql;

/// <summary>
/// A fresh database on the test PostgreSQL server (AKKACHAT_TEST_PG, which scripts/test.sh starts and sets), dropped
/// when disposed. Without that server the test fails and says why: it never passes silently.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private TestPostgres(string server, string name)
    {
        _server = server;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<TestPostgres> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("AKKACHAT_TEST_PG");
        Assert.False(string.IsNullOrWhiteSpace(server), "PostgreSQL tests need AKKACHAT_TEST_PG (an Npgsql connection string to a server where they may create databases); scripts/test.sh starts one");
        var database = new TestPostgres(server!, "akkachat_edge_" + Guid.NewGuid().ToString("N"));
        await database.ExecuteOnServerAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
