namespace AkkaChat.Edge.Tests.Recovery;

using System.IO.Compression;
using System.Text.Json;
using AkkaChat.Persistence.Serialization;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>Runs only when <c>AKKACHAT_WRITE_OLD_DATA</c> names the directory to write the old-data fixture into.</summary>
public sealed class OldDataWriterFactAttribute : FactAttribute
{
    public OldDataWriterFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OldDataWriter.TargetVariable)))
            Skip = $"writes Fixtures/OldData; set {OldDataWriter.TargetVariable} to run it (see Fixtures/OldData/README.md)";
    }
}

/// <summary>
/// Writes <c>Fixtures/OldData</c>: a real node (a separate process, snapshots every 8 events) goes through
/// <see cref="OldDataScenario"/>, is stopped with SIGTERM, and its SQLite file is checkpointed and kept with the
/// token secret; then a second process recovers a copy of it and what it shows becomes <c>expected.json</c>.
/// </summary>
public sealed class OldDataWriter(ITestOutputHelper output)
{
    public const string TargetVariable = "AKKACHAT_WRITE_OLD_DATA";

    /// <summary>Snapshots every few events so that users and rooms recover from a snapshot plus later events; tokens that outlive the fixture.</summary>
    private const string ScenarioSettings = "akkachat { snapshot-every = 8, snapshot-spread = off, auth.token-lifetime = 36500d }";

    [OldDataWriterFact]
    public async Task WriteOldDataFixture()
    {
        var target = Path.GetFullPath(Environment.GetEnvironmentVariable(TargetVariable)!);
        Directory.CreateDirectory(target);
        var log = Path.Combine(Path.GetTempPath(), $"akkachat-old-data-{Guid.NewGuid():N}.log");
        OldDataFacts facts;
        await using (var node = new ChatProcess(Ports(0)) { HoconOverrides = ScenarioSettings, LogFile = log, HttpPort = HttpPortFor(0) })
        {
            await node.StartAsync();
            facts = await OldDataScenario.WriteAsync(node.BaseUri);
            Assert.Equal(0, await node.TerminateAsync(TimeSpan.FromSeconds(60)));
            var database = Path.Combine(node.DataDir, OldDataFixture.DatabaseFile);
            Checkpoint(database);
            AssertEveryManifestStored(database);
            using (var source = File.OpenRead(database))
            using (var gzip = new GZipStream(File.Create(Path.Combine(target, OldDataFixture.DatabaseFile + ".gz")), CompressionLevel.SmallestSize))
                await source.CopyToAsync(gzip);
            File.Copy(Path.Combine(node.DataDir, OldDataFixture.SecretFile), Path.Combine(target, OldDataFixture.SecretFile), overwrite: true);
        }
        await File.WriteAllTextAsync(Path.Combine(target, OldDataFixture.FactsFile), JsonSerializer.Serialize(facts, OldDataFixture.Json));

        var copy = OldDataFixture.CopyTo(target);
        await using (var node = new ChatProcess(Ports(1), dataDir: copy) { LogFile = log, HttpPort = HttpPortFor(1) })
        {
            await node.StartAsync();
            var state = await OldDataScenario.ObserveAsync(node.BaseUri, facts);
            await File.WriteAllTextAsync(Path.Combine(target, OldDataFixture.ExpectedFile), state.ToJsonString(OldDataFixture.Json));
            Assert.Equal(0, await node.TerminateAsync(TimeSpan.FromSeconds(60)));
        }
        output.WriteLine($"wrote {target}; node log {log}");
    }

    /// <summary>Ports from AKKACHAT_WRITE_OLD_DATA_PORT (default 24100) on: HTTP base + run, remoting base + 50 + run.</summary>
    private static int HttpPortFor(int run) => PortBase + run;

    private static Dictionary<string, string?> Ports(int run) =>
        new() { ["AKKACHAT_REMOTE_PORT"] = (PortBase + 50 + run).ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static int PortBase => int.TryParse(Environment.GetEnvironmentVariable("AKKACHAT_WRITE_OLD_DATA_PORT"), out var port) ? port : 24100;

    /// <summary>Moves everything from the WAL into the database file, so the one file is the whole data.</summary>
    private static void Checkpoint(string database)
    {
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read() && reader.GetInt32(0) == 0, "the WAL checkpoint was blocked");
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>The scenario is only worth keeping if it stored every persisted type.</summary>
    private static void AssertEveryManifestStored(string database)
    {
        var stored = new HashSet<string>();
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=false");
        connection.Open();
        foreach (var sql in new[] { "SELECT DISTINCT manifest FROM event_journal", "SELECT DISTINCT manifest FROM snapshot" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read()) stored.Add(reader.GetString(0));
        }
        var missing = ChatEventSerializer.Manifests.Where(m => !stored.Contains(m.Value)).Select(m => $"{m.Key.Name} ({m.Value})").ToList();
        Assert.True(missing.Count == 0, "the scenario stored no " + string.Join(", ", missing));
    }
}
