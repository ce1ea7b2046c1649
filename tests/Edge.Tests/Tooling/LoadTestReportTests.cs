namespace AkkaChat.Edge.Tests.Tooling;

using System.Text.Json;
using AkkaChat.LoadTest.Reporting;

/// <summary>
/// <c>akkachat-loadtest report</c> on what a run writes: a default run (label "target", no <c>--server-pid</c>)
/// once crashed it with a NullReferenceException; values that were not measured read "n/a", never 0.
/// </summary>
public sealed class LoadTestReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("akkachat-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RunResult Result(string label, string scenario, bool serverSampled) => new()
    {
        Scenario = scenario,
        Label = label,
        Protocol = "seed000",
        Url = "http://127.0.0.1:8080/",
        StartedAt = DateTimeOffset.UnixEpoch,
        CommandLine = "akkachat-loadtest " + scenario,
        Settings = new RunSettings(20, 3, 10, 10, 100, 0, 0, 64, false, 8),
        Traffic = scenario == "connect" ? new TrafficResult() : new TrafficResult { OfferedRate = 20, Sent = 60, Delivered = 60, DeliveriesPerSecond = 20 },
        Connect = scenario == "connect" ? new ConnectResult { Requested = 20, Open = 20, OpenAtEnd = 20, ServerRssPerSocketKiB = serverSampled ? 17.5 : null } : null,
        Server = serverSampled ? new ResourceResult { Pid = 1, CpuPercent = 50 } : null,
    };

    private void Write(string file, object value) => File.WriteAllText(Path.Combine(_dir, file), JsonSerializer.Serialize(value, RunResult.Json));

    [Fact]
    public void A_default_run_reports_alone_with_one_column()
    {
        Write("target-direct.json", Result("target", "direct", serverSampled: false));
        Write("fixture.json", new { target = "http://127.0.0.1:8080/", users = Array.Empty<object>() });

        var results = MarkdownReport.Load(_dir);
        var (primary, ceiling) = MarkdownReport.Labels(results, null, null);
        var md = MarkdownReport.Render(results, primary, ceiling);

        Assert.Single(results);
        Assert.Equal("target", primary);
        Assert.Null(ceiling);
        Assert.Contains("| scenario | measure | target |", md);
        Assert.Contains("| direct | deliveries/s | 20 |", md);
        Assert.Contains("| server CPU % | n/a |", md);
    }

    [Fact]
    public void Akkachat_and_relay_are_compared_when_both_ran()
    {
        Write("relay-direct.json", Result("relay", "direct", serverSampled: true));
        Write("akkachat-direct.json", Result("akkachat", "direct", serverSampled: true));
        Write("other-direct.json", Result("other", "direct", serverSampled: true));

        var results = MarkdownReport.Load(_dir);
        var (primary, ceiling) = MarkdownReport.Labels(results, null, null);
        var md = MarkdownReport.Render(results, primary, ceiling);

        Assert.Equal(("akkachat", "relay"), (primary, ceiling));
        Assert.Contains("| scenario | measure | akkachat | relay | akkachat / relay |", md);
        Assert.Contains("| server CPU % | 50 | 50 | 1.00× |", md);
        Assert.Throws<ArgumentException>(() => MarkdownReport.Labels(results, "nobody", null));
    }

    [Fact]
    public void Rss_per_socket_without_a_server_pid_is_not_measured()
    {
        var unmeasured = Result("target", "connect", serverSampled: false);
        Write("target-connect.json", unmeasured);

        var md = MarkdownReport.Render(MarkdownReport.Load(_dir), "target", null);

        Assert.Contains("| server RSS per socket (KiB) | n/a |", md);
        Assert.DoesNotContain("server 0%", string.Join(' ', LimitAnalysis.Explain(unmeasured)));
        Assert.Equal("n/a", Summary.NotMeasured(unmeasured.Connect!.ServerRssPerSocketKiB, " KiB"));
        Assert.Equal("17.5 KiB", Summary.NotMeasured(17.5, " KiB"));
    }
}
