namespace AkkaChat.Edge.Admin;

using System.Security.Cryptography;
using System.Text;
using AkkaChat.Edge.Hosting;
using AkkaChat.Persistence.Storage;

/// <summary>
/// The bearer token every <c>/admin</c> request must carry. It is <c>AKKACHAT_ADMIN_TOKEN</c> when set; otherwise generated
/// once like the token signing key — into <c>&lt;data&gt;/admin.token</c> (mode 0600) on a lone node, into the PostgreSQL
/// database on a cluster, so one token works on every node (each node also writes it to its data directory, where
/// <c>akkachat-ctl --data-dir</c> finds it). The token itself is never logged.
/// </summary>
public sealed class AdminToken
{
    public const string FileName = "admin.token";

    private readonly byte[] _digest;

    private AdminToken(string token) => _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static AdminToken LoadOrCreate(ChatOptions options)
    {
        if (options.AdminToken is { } configured) return new AdminToken(configured);
        var path = Path.Combine(options.DataDir, FileName);
        if (options.Storage.Kind == StorageKind.Postgres)
        {
            var shared = Convert.ToHexStringLower(SharedSecrets.LoadOrCreate(options.Storage.ConnectionString, "admin-token"));
            WriteIfChanged(path, shared);
            return new AdminToken(shared);
        }
        if (File.Exists(path)) return new AdminToken(Read(path));
        var generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        WriteIfChanged(path, generated);
        return new AdminToken(generated);
    }

    /// <summary>Whether <paramref name="presented"/> is the token; compares digests in constant time, so the time taken says nothing about how much matched.</summary>
    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(_digest, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    private static string Read(string path)
    {
        var token = File.ReadAllText(path).Trim();
        return token.Length >= 16 ? token : throw new InvalidOperationException($"{path} holds no admin token (delete it to generate a new one)");
    }

    /// <summary>
    /// Writes through a private temporary file and a rename: nodes sharing one data directory may write the same token at
    /// once, and a reader must never see half a file.
    /// </summary>
    private static void WriteIfChanged(string path, string token)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() == token) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(temporary, Encoding.ASCII, options)) writer.Write(token + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
