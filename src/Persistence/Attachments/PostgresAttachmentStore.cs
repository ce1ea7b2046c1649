namespace AkkaChat.Persistence.Attachments;

using System.Data;
using Npgsql;
using NpgsqlTypes;

/// <summary>
/// Uploads for a cluster: PostgreSQL holds every file (the database every node already shares), and each node keeps
/// a read-through copy on its local disk, so downloads stream from a file with range requests and only the first read
/// of a file on a node touches the database. Names are random and a file never changes, so a cached copy is never
/// stale and the cache directory may be deleted at any time.
/// </summary>
public sealed class PostgresAttachmentStore(NpgsqlDataSource database, LocalDiskAttachmentStore cache) : IAttachmentStore
{
    public const string Table = "attachment";

    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS attachment (
            name         text   NOT NULL PRIMARY KEY,
            content_type text   NOT NULL,
            length       bigint NOT NULL,
            created_at   bigint NOT NULL,
            data         bytea  NOT NULL
        );
        """;

    public async Task<StoredAttachment> SaveAsync(Stream content, string extension, CancellationToken cancellationToken)
    {
        var (name, contentType) = LocalDiskAttachmentStore.NewName(extension);
        // The upload goes to a local file first: the database takes it from there as a stream (no 10 MiB buffer), and
        // the file becomes this node's cached copy once the row is committed, never before.
        var partial = await cache.WritePartialAsync(content, cancellationToken);
        try
        {
            await using (var file = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var insert = database.CreateCommand(
                $"INSERT INTO {Table} (name, content_type, length, created_at, data) VALUES ($1, $2, $3, $4, $5)"))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = name });
                insert.Parameters.Add(new NpgsqlParameter { Value = contentType });
                insert.Parameters.Add(new NpgsqlParameter { Value = file.Length });
                insert.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
                insert.Parameters.Add(new NpgsqlParameter { Value = file, NpgsqlDbType = NpgsqlDbType.Bytea });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return cache.Commit(partial, name, contentType);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    public async Task<(Stream Content, StoredAttachment Info)?> OpenAsync(string name, CancellationToken cancellationToken)
    {
        if (LocalDiskAttachmentStore.ContentTypeOfName(name) is null) return null;
        if (cache.Open(name) is { } cached) return cached;

        await using var select = database.CreateCommand($"SELECT content_type, data FROM {Table} WHERE name = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = name });
        // Sequential access streams the bytea column instead of buffering the whole row.
        await using var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var contentType = reader.GetString(0);
        string partial;
        await using (var data = await reader.GetStreamAsync(1, cancellationToken))
            partial = await cache.WritePartialAsync(data, cancellationToken);
        cache.Commit(partial, name, contentType);
        return cache.Open(name);
    }
}
