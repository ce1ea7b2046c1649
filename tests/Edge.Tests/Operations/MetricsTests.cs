namespace AkkaChat.Edge.Tests.Operations;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Edge.Operations;
using AkkaChat.Edge.Tests.Sockets;
using Xunit.Abstractions;

/// <summary>
/// The metrics are process-wide (one node per process in production), so the tests that read them run alone: no other
/// test's sockets or messages move the numbers meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}

/// <summary>A node with a fixed admin token (so <c>/admin</c> keeps answering these tests once the admin endpoints require it).</summary>
public sealed class MetricsHostFixture : IAsyncLifetime
{
    public const string AdminToken = "metrics-test-admin-token-0123456789";

    private ChatHost? _host;

    public ChatHost Host => _host ?? throw new InvalidOperationException("the host is not started");

    /// <summary>Frames a socket may send per second (burst twice that): low, so a test can hit the limit.</summary>
    public const int MessageRate = 5;

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync(new Dictionary<string, string?>
    {
        ["AKKACHAT_ADMIN_TOKEN"] = AdminToken,
        ["AKKACHAT_MSG_RATE"] = MessageRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

/// <summary><c>/metrics</c> scraped and parsed strictly, and <c>/admin/node</c>, against a real node with real sockets and traffic.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(MetricsHostFixture fixture, ITestOutputHelper output) : IClassFixture<MetricsHostFixture>
{
    private const int Direct = 10;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task Counters_and_gauges_follow_sockets_messages_and_refusals()
    {
        var before = await SettledAsync();
        output.WriteLine(string.Join(' ', before.Select(s => s.Name).Distinct()));
        Assert.True(before.Find("akkachat_sockets_open", ("protocol", "seed000")) is not null, "akkachat_sockets_open is exported from the start");
        Assert.True(before.Find("akkachat_cluster_members", ("status", "up")) >= 1, "this node is an Up member");
        Assert.NotNull(before.Find("dotnet_gc_collections_total"));
        var seed000Before = before.ValueOrZero("akkachat_sockets_open", ("protocol", "seed000"));
        var v2Before = before.ValueOrZero("akkachat_sockets_open", ("protocol", "v2"));

        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await using var aliceSocket = await alice.OpenAsync("alice");
        await using var bobSocket = await bob.OpenAsync("bob");
        await using var bobV2 = await FrameInbox.OpenV2Async(bob, "bob v2");
        await UntilAsync("sockets open", s =>
            s.ValueOrZero("akkachat_sockets_open", ("protocol", "seed000")) == seed000Before + 2
            && s.ValueOrZero("akkachat_sockets_open", ("protocol", "v2")) == v2Before + 1);

        for (var i = 1; i <= 3; i++) await aliceSocket.SendAsync(new { id = i, dstid = bob.UserId, cmd = Direct, media = 1, content = $"hello {i}" });
        for (var i = 1; i <= 3; i++) await bobSocket.NextChatAsync(Direct, alice.UserId, bob.UserId, $"hello {i}");
        await aliceSocket.SendAsync(new { id = 9, dstid = bob.UserId, cmd = 99 });
        (await aliceSocket.NextErrorAsync()).AssertError("unknown-cmd", 9);
        var wrongLogin = await alice.PostAsync("/user/login", ("mobile", "19999999999"), ("passwd", "not-the-password"));
        Assert.Equal(-1, wrongLogin.GetProperty("code").GetInt32());
        using (var refused = new ClientWebSocket())
        {
            await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(ChatClient.SocketUri(Host.BaseUri, alice.UserId, "forged"), CancellationToken.None));
        }

        var after = await UntilAsync("counters moved", s =>
            s.ValueOrZero("akkachat_messages_received_total", ("kind", "direct")) >= before.ValueOrZero("akkachat_messages_received_total", ("kind", "direct")) + 3
            && s.ValueOrZero("akkachat_messages_stored_total", ("kind", "direct")) >= before.ValueOrZero("akkachat_messages_stored_total", ("kind", "direct")) + 3
            && s.ValueOrZero("akkachat_messages_delivered_total", ("kind", "direct")) >= before.ValueOrZero("akkachat_messages_delivered_total", ("kind", "direct")) + 3
            && s.ValueOrZero("akkachat_refusals_total", ("code", "unknown-cmd")) >= before.ValueOrZero("akkachat_refusals_total", ("code", "unknown-cmd")) + 1
            && s.ValueOrZero("akkachat_refusals_total", ("code", "-1")) >= before.ValueOrZero("akkachat_refusals_total", ("code", "-1")) + 1
            && s.ValueOrZero("akkachat_handshakes_total", ("protocol", "seed000"), ("result", "accepted")) >= before.ValueOrZero("akkachat_handshakes_total", ("protocol", "seed000"), ("result", "accepted")) + 2
            && s.ValueOrZero("akkachat_handshakes_total", ("protocol", "v2"), ("result", "accepted")) >= before.ValueOrZero("akkachat_handshakes_total", ("protocol", "v2"), ("result", "accepted")) + 1
            && s.ValueOrZero("akkachat_handshakes_total", ("protocol", "seed000"), ("result", "refused")) >= before.ValueOrZero("akkachat_handshakes_total", ("protocol", "seed000"), ("result", "refused")) + 1);
        Assert.True(after.ValueOrZero("akkachat_journal_commit_duration_seconds_count") >= before.ValueOrZero("akkachat_journal_commit_duration_seconds_count") + 6,
            "each stored 1:1 message is two persists (the recipient's inbox and the sender's copy)");
        Assert.True(after.ValueOrZero("akkachat_journal_commit_duration_seconds_sum") > 0);
        Assert.True(after.ValueOrZero("akkachat_journal_batch_size_count") > before.ValueOrZero("akkachat_journal_batch_size_count"));
        Assert.True(after.Find("akkachat_journal_commit_duration_seconds_bucket", ("le", "+Inf")) >= after.Find("akkachat_journal_commit_duration_seconds_bucket", ("le", "0.1")));

        await UntilAsync("entities counted (every 10 s)", s => s.ValueOrZero("akkachat_entities", ("type", "user")) >= 2);
        await UntilAsync("the WAL measured by a checkpoint (a second after a commit)", s => s.ValueOrZero("akkachat_journal_wal_size_bytes") > 0);

        await aliceSocket.DisposeAsync();
        await bobSocket.DisposeAsync();
        await bobV2.DisposeAsync();
        await UntilAsync("sockets closed", s =>
            s.ValueOrZero("akkachat_sockets_open", ("protocol", "seed000")) == seed000Before
            && s.ValueOrZero("akkachat_sockets_open", ("protocol", "v2")) == v2Before);
    }

    [Fact]
    public async Task Rate_limit_hits_are_counted_by_limit()
    {
        var before = await SettledAsync();
        using var carol = await Host.NewUserAsync("carol");
        await using var socket = await carol.OpenAsync("carol");
        // Twice the burst, at once: the socket's budget runs out and the rest are refused as rate-limited.
        for (var i = 1; i <= 4 * MetricsHostFixture.MessageRate; i++) await socket.SendAsync(new { id = i, dstid = 1, cmd = 99 });
        var mobile = ChatSteps.NewMobile();
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 7 && status != HttpStatusCode.TooManyRequests; i++)
        {
            using var login = await carol.Http.PostAsync("/user/login", new FormUrlEncodedContent([KeyValuePair.Create("mobile", mobile), KeyValuePair.Create("passwd", "wrong-password")]));
            status = login.StatusCode;
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, status);

        await UntilAsync("rate-limit hits", s =>
            s.ValueOrZero("akkachat_ratelimit_hits_total", ("limit", "socket")) >= before.ValueOrZero("akkachat_ratelimit_hits_total", ("limit", "socket")) + 1
            && s.ValueOrZero("akkachat_refusals_total", ("code", "rate-limited")) >= before.ValueOrZero("akkachat_refusals_total", ("code", "rate-limited")) + 1
            && s.ValueOrZero("akkachat_ratelimit_hits_total", ("limit", "login-mobile")) >= before.ValueOrZero("akkachat_ratelimit_hits_total", ("limit", "login-mobile")) + 1);
    }

    [Fact]
    public async Task Admin_node_reports_this_node_and_its_rates()
    {
        var first = await NodeAsync();
        AssertShape(first);
        Assert.StartsWith("akka.tcp://akkachat@127.0.0.1:", first.GetProperty("node").GetString());
        Assert.True(first.GetProperty("uptimeSeconds").GetDouble() > 0);
        Assert.True(first.GetProperty("runtime").GetProperty("workingSetBytes").GetInt64() > 0);

        using var alice = await Host.NewUserAsync("alice");
        using var bob = await Host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await using var aliceSocket = await alice.OpenAsync("alice");
        await using var bobSocket = await bob.OpenAsync("bob");
        await aliceSocket.SendAsync(new { id = 1, dstid = bob.UserId, cmd = Direct, media = 1, content = "rate me" });
        await bobSocket.NextChatAsync(Direct, alice.UserId, bob.UserId, "rate me");

        var receivedBefore = first.GetProperty("messages").GetProperty("receivedTotal").GetInt64();
        var node = await UntilNodeAsync("rates and totals moved", n =>
            n.GetProperty("messages").GetProperty("receivedTotal").GetInt64() >= receivedBefore + 1
            && n.GetProperty("messages").GetProperty("storedTotal").GetInt64() >= 1
            && n.GetProperty("messages").GetProperty("deliveredTotal").GetInt64() >= 1
            && n.GetProperty("messages").GetProperty("receivedPerSecond") is { ValueKind: JsonValueKind.Number } rate && rate.GetDouble() > 0
            && n.GetProperty("sockets").GetProperty("seed000").GetInt64() >= 2
            && n.GetProperty("journal").GetProperty("commitP50Ms").ValueKind == JsonValueKind.Number);
        AssertShape(node);
        var journal = node.GetProperty("journal");
        Assert.True(journal.GetProperty("commits").GetInt64() >= 2);
        Assert.True(journal.GetProperty("commitP99Ms").GetDouble() >= journal.GetProperty("commitP50Ms").GetDouble());
        Assert.Equal(JsonValueKind.Number, node.GetProperty("runtime").GetProperty("gcPausePercent").ValueKind);
    }

    [Fact]
    public void Recording_on_the_hot_path_allocates_nothing_while_the_exporter_listens()
    {
        Assert.NotNull(Host.App); // the node's OpenTelemetry meter provider is listening to the meter
        const int Calls = 100_000;
        void Record()
        {
            ChatMetrics.MessageReceived(ChatMeter.Direct);
            ChatMetrics.MessageDelivered(ChatMeter.Room);
            ChatMeter.CommitObserved(Stopwatch.GetTimestamp());
            ChatMetrics.Refusal("bad-frame");
        }

        for (var i = 0; i < 1000; i++) Record(); // first use of each series allocates its aggregator
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++) Record();
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine($"{clock.Elapsed.TotalNanoseconds / Calls / 4:F0} ns per recording (4 per round), {allocated} bytes allocated in {Calls:N0} rounds");
        // A per-recording allocation would be at least 24 bytes a round (2.4 MB); a few bytes once (the runtime's own) are not the meter's.
        Assert.True(allocated < 1024, $"{allocated} bytes allocated in {Calls:N0} rounds");
    }

    /// <summary>Exactly the fields of the contract (docs/OPERATIONS.md), each a number or, where allowed, null.</summary>
    private static void AssertShape(JsonElement node)
    {
        static void Fields(JsonElement e, params string[] names) =>
            Assert.Equal(names.Order(StringComparer.Ordinal), e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        static void Numbers(JsonElement e, bool nullable, params string[] names)
        {
            foreach (var name in names)
            {
                var kind = e.GetProperty(name).ValueKind;
                Assert.True(kind == JsonValueKind.Number || (nullable && kind == JsonValueKind.Null), $"{name} is {kind}");
            }
        }

        Fields(node, "node", "uptimeSeconds", "sockets", "messages", "journal", "queues", "runtime");
        Fields(node.GetProperty("sockets"), "seed000", "v2");
        Numbers(node.GetProperty("sockets"), false, "seed000", "v2");
        Fields(node.GetProperty("messages"), "receivedTotal", "deliveredTotal", "storedTotal", "receivedPerSecond", "deliveredPerSecond", "storedPerSecond");
        Numbers(node.GetProperty("messages"), false, "receivedTotal", "deliveredTotal", "storedTotal");
        Numbers(node.GetProperty("messages"), true, "receivedPerSecond", "deliveredPerSecond", "storedPerSecond");
        Fields(node.GetProperty("journal"), "commits", "commitP50Ms", "commitP99Ms");
        Numbers(node.GetProperty("journal"), true, "commitP50Ms", "commitP99Ms");
        Fields(node.GetProperty("queues"), "outboundFrames");
        Numbers(node.GetProperty("queues"), false, "outboundFrames");
        Fields(node.GetProperty("runtime"), "gen0", "gen1", "gen2", "gcPausePercent", "heapBytes", "workingSetBytes", "cpuSeconds", "threadPoolQueue");
        Numbers(node.GetProperty("runtime"), false, "gen0", "gen1", "gen2", "heapBytes", "workingSetBytes", "cpuSeconds", "threadPoolQueue");
    }

    private async Task<IReadOnlyList<PromSample>> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = Host.BaseUri };
        using var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(text);
    }

    private async Task<JsonElement> NodeAsync()
    {
        using var http = new HttpClient { BaseAddress = Host.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/node");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MetricsHostFixture.AdminToken);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/admin/node answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// A scrape once the open-socket gauges have held still for a while (bounded): they count the whole process, and
    /// sockets of tests that ran before may still be closing (a refused socket lingers up to 2 s, a close waits up to 5 s).
    /// </summary>
    private async Task<IReadOnlyList<PromSample>> SettledAsync()
    {
        static (double, double) Open(IReadOnlyList<PromSample> s) =>
            (s.ValueOrZero("akkachat_sockets_open", ("protocol", "seed000")), s.ValueOrZero("akkachat_sockets_open", ("protocol", "v2")));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var samples = await ScrapeAsync();
        var stillSince = DateTime.UtcNow;
        while (DateTime.UtcNow - stillSince < TimeSpan.FromSeconds(6) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            var next = await ScrapeAsync();
            if (Open(next) != Open(samples)) stillSince = DateTime.UtcNow;
            samples = next;
        }
        return samples;
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds (bounded); the exporter caches a scrape for a moment.</summary>
    private async Task<IReadOnlyList<PromSample>> UntilAsync(string what, Func<IReadOnlyList<PromSample>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var samples = await ScrapeAsync();
            if (condition(samples)) return samples;
            if (DateTime.UtcNow > deadline)
            {
                output.WriteLine(string.Join('\n', samples.Where(s => s.Name.StartsWith("akkachat_", StringComparison.Ordinal))
                    .Select(s => $"{s.Name}{{{string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}")));
                Assert.Fail($"{what}: not within {Bound.TotalSeconds} s (the last scrape is in the output)");
            }
            await Task.Delay(100);
        }
    }

    private async Task<JsonElement> UntilNodeAsync(string what, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var node = await NodeAsync();
            if (condition(node)) return node;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what}: not within {Bound.TotalSeconds} s; last /admin/node: {node}");
            await Task.Delay(100);
        }
    }
}
