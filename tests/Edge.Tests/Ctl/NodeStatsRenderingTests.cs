namespace AkkaChat.Edge.Tests.Ctl;

using System.Net;
using System.Text;
using AkkaChat.Ctl;
using Spectre.Console.Testing;

/// <summary>
/// <c>node stats</c> renders <c>GET /admin/node</c> in the shape fixed between the ctl and the metrics (docs/OPERATIONS.md);
/// a value not measured yet (JSON null) shows as "n/a", never as 0. The node's answer is canned here: the endpoint is
/// built and tested with the metrics.
/// </summary>
public sealed class NodeStatsRenderingTests
{
    private const string Answer = """
        { "node": "akka.tcp://akkachat@127.0.0.1:4053", "uptimeSeconds": 12.3,
          "sockets": { "seed000": 3, "v2": 5 },
          "messages": { "receivedTotal": 10, "deliveredTotal": 20, "storedTotal": 10,
                        "receivedPerSecond": 1.5, "deliveredPerSecond": null, "storedPerSecond": 1.5 },
          "journal": { "commits": 10, "commitP50Ms": 1.2, "commitP99Ms": null },
          "queues": { "outboundFrames": 0 },
          "runtime": { "gen0": 1, "gen1": 0, "gen2": 0, "gcPausePercent": null, "heapBytes": 10485760, "workingSetBytes": 52428800, "cpuSeconds": 1.0, "threadPoolQueue": 0 } }
        """;

    [Fact]
    public async Task Node_stats_shows_every_figure_and_na_for_what_is_not_measured()
    {
        using var handler = new CannedAnswer(Answer);
        var console = new TestConsole().Width(120);
        var errors = new StringWriter();

        var exit = await CtlApp.RunAsync(["node", "stats", "--server", "http://127.0.0.1:1", "--token", "operator-token-0123456789"], console, errors, handler);

        Assert.Equal((0, ""), (exit, errors.ToString()));
        Assert.Equal("/admin/node", handler.Asked?.AbsolutePath);
        Assert.Equal("Bearer operator-token-0123456789", handler.Authorization);
        Assert.Equal(Expected, console.Output.Replace("\r\n", "\n"));
    }

    private const string Expected = """
        Node akka.tcp://akkachat@127.0.0.1:4053, up 12.3 s
        ╭──────────┬──────────────╮
        │ Protocol │ Open sockets │
        ├──────────┼──────────────┤
        │ seed000  │ 3            │
        │ v2       │ 5            │
        ╰──────────┴──────────────╯
        ╭───────────┬───────┬─────────────────────────╮
        │ Messages  │ Total │ Per second (last ~10 s) │
        ├───────────┼───────┼─────────────────────────┤
        │ received  │ 10    │ 1.5                     │
        │ delivered │ 20    │ n/a                     │
        │ stored    │ 10    │ 1.5                     │
        ╰───────────┴───────┴─────────────────────────╯
        ╭─────────────────────────┬──────────╮
        │ journal commits         │ 10       │
        │ journal commit p50      │ 1.2 ms   │
        │ journal commit p99      │ n/a      │
        │ outbound frames queued  │ 0        │
        │ GC collections gen0/1/2 │ 1/0/0    │
        │ GC pause                │ n/a      │
        │ heap                    │ 10.0 MiB │
        │ working set             │ 50.0 MiB │
        │ CPU time                │ 1 s      │
        │ thread-pool queue       │ 0        │
        ╰─────────────────────────┴──────────╯

        """;

    private sealed class CannedAnswer(string json) : HttpMessageHandler
    {
        public Uri? Asked { get; private set; }

        public string? Authorization { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked = request.RequestUri;
            Authorization = request.Headers.Authorization?.ToString();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
