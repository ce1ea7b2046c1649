namespace AkkaChat.Cluster.Tests;

using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// Several AkkaChat node processes on loopback sharing one fresh PostgreSQL database, one token secret and one data
/// directory, as scripts/cluster.sh runs them. The first three are the seeds. The split-brain resolver downs an
/// unreachable node after a few seconds instead of 20, so a kill is handled within test time
/// (not less: on a busy 2-core box a node can miss heartbeats for several seconds and would be downed).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(8);

    private readonly TestPostgres _database;
    private readonly string _dir;
    private readonly string _secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    private readonly List<int> _seedPorts = [];
    private readonly Dictionary<ChatProcess, int> _tcpPorts = [];

    private TestCluster(TestPostgres database)
    {
        _database = database;
        _dir = Path.Combine(Path.GetTempPath(), "akkachat-tests", "cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
    }

    public List<ChatProcess> Nodes { get; } = [];

    public string DatabaseConnectionString => _database.ConnectionString;

    /// <summary>Starts <paramref name="count"/> nodes at once and waits until each is ready and sees all as Up.</summary>
    public static async Task<TestCluster> StartAsync(int count)
    {
        var cluster = new TestCluster(await TestPostgres.CreateDatabaseAsync());
        try
        {
            for (var i = 0; i < Math.Min(count, 3); i++) cluster._seedPorts.Add(FreePort.Next());
            var nodes = Enumerable.Range(0, count).Select(i => cluster.NewNode(i < cluster._seedPorts.Count ? cluster._seedPorts[i] : null)).ToList();
            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
            await cluster.AwaitMembersUpAsync(count, TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch (Exception e)
        {
            // The node logs go with the cluster's directory: what each node said last goes into the failure instead.
            var tails = cluster.Nodes.Select((node, i) => $"--- node {i + 1} ({node.BaseUri}), its last lines:\n{string.Join("\n", node.Stdout.TakeLast(20))}");
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"the cluster did not start: {e.Message}\n{string.Join("\n", tails)}", e);
        }
    }

    /// <summary>Starts one more node, which joins through the seeds.</summary>
    public async Task<ChatProcess> AddNodeAsync()
    {
        var node = NewNode(null);
        await node.StartAsync();
        return node;
    }

    public static string AddressOf(ChatProcess node) => $"akka.tcp://akkachat@127.0.0.1:{node.RemotePort}";

    /// <summary>The port of <paramref name="node"/>'s TCP edge (seed-003 over TCP): every node has one, as each has <c>/ws</c>.</summary>
    public int TcpPortOf(ChatProcess node) => _tcpPorts[node];

    public ChatProcess NodeAt(string address) => Nodes.Single(n => AddressOf(n) == address);

    /// <summary>GET /admin/cluster through <paramref name="via"/>.</summary>
    public static async Task<JsonElement> AdminClusterAsync(ChatProcess via)
    {
        using var http = AdminHttp(via);
        return await http.GetFromJsonAsync<JsonElement>("/admin/cluster");
    }

    /// <summary>The admin token every node shares through the database; each node also writes it to its data directory.</summary>
    public static string AdminTokenOf(ChatProcess node) => File.ReadAllText(Path.Combine(node.DataDir, "admin.token")).Trim();

    /// <summary>An HTTP client for <paramref name="via"/>'s /admin endpoints, with the admin token.</summary>
    public static HttpClient AdminHttp(ChatProcess via) => new()
    {
        BaseAddress = via.BaseUri,
        Timeout = TimeSpan.FromSeconds(15),
        DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminTokenOf(via)) },
    };

    /// <summary>The address of the node that hosts <paramref name="type"/> entity <paramref name="id"/>, asked through <paramref name="via"/>; null when no node does.</summary>
    public static async Task<string?> LocateAsync(ChatProcess via, string type, long id)
    {
        using var http = AdminHttp(via);
        var location = await http.GetFromJsonAsync<JsonElement>($"/admin/locate?{type}={id}");
        return location.GetProperty("node").ValueKind == JsonValueKind.String ? location.GetProperty("node").GetString() : null;
    }

    /// <summary>Waits (bounded) until <paramref name="via"/> sees exactly <paramref name="count"/> members, all Up and reachable.</summary>
    public async Task AwaitMembersUpAsync(int count, TimeSpan bound, ChatProcess? via = null)
    {
        via ??= Nodes[0];
        var deadline = DateTime.UtcNow + bound;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var view = await AdminClusterAsync(via);
                var members = view.GetProperty("members").EnumerateArray().ToList();
                last = string.Join(", ", members.Select(m => $"{m.GetProperty("address").GetString()} {m.GetProperty("status").GetString()}{(m.GetProperty("unreachable").GetBoolean() ? " unreachable" : "")}"));
                if (members.Count == count && members.All(m => m.GetProperty("status").GetString() == "Up" && !m.GetProperty("unreachable").GetBoolean())) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the cluster did not settle on {count} Up members within {bound.TotalSeconds} s: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        await _database.DisposeAsync();
        try
        {
            // AKKACHAT_TEST_KEEP_LOGS=1 keeps the node logs (node-I.log) for a look after a failure.
            if (Environment.GetEnvironmentVariable("AKKACHAT_TEST_KEEP_LOGS") == "1") Directory.Delete(Path.Combine(_dir, "data"), recursive: true);
            else Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private ChatProcess NewNode(int? remotePort)
    {
        var env = new Dictionary<string, string?>
        {
            ["AKKACHAT_STORAGE"] = "postgres",
            ["AKKACHAT_PG"] = _database.ConnectionString,
            ["AKKACHAT_SEEDS"] = string.Join(",", _seedPorts.Select(p => $"akka.tcp://akkachat@127.0.0.1:{p}")),
            ["AKKACHAT_SECRET"] = _secret,
            ["AKKACHAT_SBR_STABLE_AFTER"] = $"{(int)StableAfter.TotalSeconds}s",
            ["AKKACHAT_MSG_RATE"] = "100000",
        };
        var tcpPort = FreePort.Next();
        env["AKKACHAT_TCP_PORT"] = tcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (remotePort is { } port) env["AKKACHAT_REMOTE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var node = new ChatProcess(env, dataDir: Path.Combine(_dir, "data"))
        {
            LogFile = Path.Combine(_dir, $"node-{Nodes.Count + 1}.log"),
            StartTimeout = TimeSpan.FromSeconds(120),
            KeepsDataDir = true,
        };
        Nodes.Add(node);
        _tcpPorts[node] = tcpPort;
        return node;
    }
}
