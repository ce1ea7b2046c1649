namespace AkkaChat.Edge.Tests.Recovery;

using System.IO.Compression;
using System.Text.Json;

/// <summary>The files of <c>Fixtures/OldData</c> and how a test gets a data directory out of them.</summary>
public static class OldDataFixture
{
    public const string DatabaseFile = "akkachat.db";
    public const string SecretFile = "secret.key";
    public const string FactsFile = "facts.json";
    public const string ExpectedFile = "expected.json";

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The fixture as copied next to the tests.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "OldData");

    /// <summary>A fresh data directory holding the fixture's database (unpacked) and secret; the caller deletes it.</summary>
    public static string CopyTo(string? fixture = null)
    {
        fixture ??= Directory;
        var dataDir = Path.Combine(Path.GetTempPath(), "akkachat-tests", "old-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dataDir);
        using (var packed = new GZipStream(File.OpenRead(Path.Combine(fixture, DatabaseFile + ".gz")), CompressionMode.Decompress))
        using (var database = File.Create(Path.Combine(dataDir, DatabaseFile)))
            packed.CopyTo(database);
        File.Copy(Path.Combine(fixture, SecretFile), Path.Combine(dataDir, SecretFile));
        return dataDir;
    }

    public static OldDataFacts Facts() =>
        JsonSerializer.Deserialize<OldDataFacts>(File.ReadAllText(Path.Combine(Directory, FactsFile)))!;
}
