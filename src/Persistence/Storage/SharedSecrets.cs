namespace AkkaChat.Persistence.Storage;

using System.Security.Cryptography;
using Npgsql;

/// <summary>
/// Secrets every node of a cluster must agree on (the token signing key), kept in the PostgreSQL database they share:
/// the first node to ask creates one, every later node reads the same. Without it each node would generate its own
/// key and a token issued by one node would be refused by the others.
/// </summary>
public static class SharedSecrets
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS akkachat_secret (
            name  text  NOT NULL PRIMARY KEY,
            value bytea NOT NULL
        );
        """;

    /// <summary>The 32-byte secret named <paramref name="name"/>, created at random the first time any node asks.</summary>
    public static byte[] LoadOrCreate(string connectionString, string name)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var insert = new NpgsqlCommand("INSERT INTO akkachat_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", connection))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = name });
            insert.Parameters.Add(new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(32) });
            insert.ExecuteNonQuery();
        }
        using var select = new NpgsqlCommand("SELECT value FROM akkachat_secret WHERE name = $1", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = name });
        return (byte[])select.ExecuteScalar()!;
    }
}
