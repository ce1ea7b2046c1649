namespace AkkaChat.Edge.Tests.Tooling;

using System.Text.Json;
using AkkaChat.LoadTest.Cli;
using AkkaChat.LoadTest.Scenarios;
using Xunit.Abstractions;

/// <summary>
/// The harness's seed-003 client end to end against a real node: a short verified run of 1:1 (two devices per user, so
/// the sender's other device gets its copy) and of a room, over <c>/ws</c> and over the TCP edge. Every message must be
/// acked and reach every expected socket exactly once.
/// </summary>
public sealed class LoadTestSeed003RunTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ws")]
    [InlineData("tcp")]
    public async Task A_verified_run_over_seed003_passes_for_1_to_1_and_rooms(string transport)
    {
        var tcpPort = FreePort.Next();
        await using var node = await ChatHost.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_TCP_PORT"] = tcpPort.ToString() }, output);
        var dir = Directory.CreateTempSubdirectory("akkachat-harness-");
        try
        {
            string[] tcp = transport == "tcp" ? ["--tcp-port", tcpPort.ToString()] : [];
            foreach (var (scenario, extra) in new[] { ("direct", new[] { "--users", "6", "--sockets", "12", "--rate", "20" }), ("group", ["--users", "6", "--room-size", "6", "--rate", "5"]) })
            {
                var file = Path.Combine(dir.FullName, $"{scenario}.json");
                var options = LoadOptions.Parse([scenario, "--url", node.BaseUri.ToString(), "--protocol", "seed003", "--transport", transport, .. tcp, .. extra,
                    "--duration", "2", "--warmup", "0", "--drain", "10", "--verify", "--progress", "none", "--source-addresses", "2", "--out", file]);
                var exit = await ScenarioRunner.RunAsync(options, "test").WaitAsync(TimeSpan.FromMinutes(2));
                using var result = JsonDocument.Parse(await File.ReadAllTextAsync(file));
                var root = result.RootElement;
                var traffic = root.GetProperty("traffic");
                output.WriteLine($"{scenario}/{transport}: {traffic}");
                Assert.Equal(0, exit);
                Assert.Equal($"seed003/{transport}", root.GetProperty("protocol").GetString());
                Assert.True(traffic.GetProperty("sent").GetInt64() > 0);
                Assert.Equal(traffic.GetProperty("sent").GetInt64(), traffic.GetProperty("acked").GetInt64());
                Assert.Equal(traffic.GetProperty("expectedDeliveries").GetInt64(), traffic.GetProperty("delivered").GetInt64());
                Assert.True(root.GetProperty("verify").GetProperty("passed").GetBoolean());
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
