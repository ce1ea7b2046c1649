namespace AkkaChat.Edge.Tests.Ctl;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using AkkaChat.Edge.Tests.Sockets;

/// <summary>akkachat-ctl against a real node (Kestrel on loopback, SQLite file): its commands, --json, and its errors.</summary>
public sealed class CtlCommandTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task The_admin_endpoints_refuse_a_caller_without_the_token_or_with_a_wrong_one()
    {
        using var http = new HttpClient { BaseAddress = Host.BaseUri };

        using var without = await http.GetAsync("/admin/cluster");
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.True((await without.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("error", out _));

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/cluster") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", new string('0', 64)) } };
        using var refused = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/admin/cluster") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", CtlRunner.TokenOf(Host)) } };
        using var answered = await http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task The_ctl_says_in_one_line_on_stderr_why_it_was_refused_and_exits_non_zero()
    {
        var wrong = await CtlRunner.RunRawAsync("cluster", "show", "--server", Host.BaseUri.ToString(), "--token", new string('0', 64));
        Assert.Equal(3, wrong.Exit);
        Assert.Equal("akkachat-ctl: refused (401): wrong admin token", wrong.Errors.Trim());
        Assert.Empty(wrong.Output);

        var missing = await CtlRunner.RunAsync(Host, "user", "show", "999999999");
        Assert.Equal(1, missing.Exit);
        Assert.Equal("akkachat-ctl: not found (404): user 999999999 does not exist", missing.Errors.Trim());

        var unreachable = await CtlRunner.RunRawAsync("cluster", "show", "--server", $"http://127.0.0.1:{ClosedPort()}", "--token", "x");
        Assert.Equal(2, unreachable.Exit);
        Assert.StartsWith("akkachat-ctl: cannot reach http://127.0.0.1:", unreachable.Errors);
        Assert.Single(unreachable.Errors.Trim().Split('\n'));

        var noToken = await CtlRunner.RunRawAsync("cluster", "show", "--server", Host.BaseUri.ToString(), "--data-dir", Path.Combine(Host.DataDir, "nowhere"));
        Assert.Equal(4, noToken.Exit);
        Assert.StartsWith("akkachat-ctl: no admin token", noToken.Errors);
    }

    [Fact]
    public async Task Node_stats_shows_the_nodes_own_figures_from_its_admin_node_endpoint()
    {
        var user = await Host.NewUserAsync("stats");
        await using var socket = await user.OpenAsync("stats/seed");

        var json = JsonDocument.Parse((await CtlRunner.RunAsync(Host, "node", "stats", "--json")).Output).RootElement;
        var self = JsonDocument.Parse((await CtlRunner.RunAsync(Host, "cluster", "show", "--json")).Output).RootElement.GetProperty("self").GetString();
        Assert.Equal(self, json.GetProperty("node").GetString());
        Assert.True(json.GetProperty("sockets").GetProperty("seed000").GetInt64() >= 1, $"the open seed-000 socket is counted: {json}");
        Assert.True(json.GetProperty("runtime").GetProperty("workingSetBytes").GetInt64() > 0);

        var table = await CtlRunner.RunAsync(Host, "node", "stats");
        Assert.Equal(0, table.Exit);
        Assert.StartsWith($"Node {self}, up ", table.Output);
        Assert.Contains("seed000", table.Output);
        Assert.Contains("journal commit p99", table.Output);
    }

    [Fact]
    public async Task Json_output_is_the_endpoints_json()
    {
        var user = await Host.NewUserAsync("json");
        var room = await user.CreateRoomAsync("ops");

        var cluster = JsonDocument.Parse((await CtlRunner.RunAsync(Host, "cluster", "show", "--json")).Output).RootElement;
        var self = cluster.GetProperty("self").GetString();
        Assert.Equal(self, Assert.Single(cluster.GetProperty("members").EnumerateArray()).GetProperty("address").GetString());

        var shown = JsonDocument.Parse((await CtlRunner.RunAsync(Host, "user", "show", user.Id(), "--json")).Output).RootElement;
        Assert.Equal(user.UserId, shown.GetProperty("id").GetInt64());
        Assert.Equal(self, shown.GetProperty("node").GetString());
        Assert.Equal(1, shown.GetProperty("rooms").GetInt32());

        var roomShown = JsonDocument.Parse((await CtlRunner.RunAsync(Host, "room", "show", room.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json")).Output).RootElement;
        Assert.Equal("ops", roomShown.GetProperty("name").GetString());
        Assert.Equal(1, roomShown.GetProperty("members").GetInt32());
        Assert.Equal(self, roomShown.GetProperty("node").GetString());

        var regions = JsonDocument.Parse((await CtlRunner.RunAsync(Host, "sharding", "regions", "--json")).Output).RootElement;
        Assert.Contains(regions.GetProperty("regions").EnumerateArray(), r => r.GetProperty("type").GetString() == "room" && r.GetProperty("nodes")[0].GetProperty("entities").GetInt32() >= 1);

        var stats = JsonDocument.Parse((await CtlRunner.RunAsync(Host, "sharding", "region-stats", "user", "--json")).Output).RootElement;
        Assert.Contains(stats.GetProperty("nodes")[0].GetProperty("shards").EnumerateArray(), s => s.GetProperty("shard").GetString() == shown.GetProperty("shard").GetString());

        var unknown = await CtlRunner.RunAsync(Host, "sharding", "region-stats", "planet");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("no entity type 'planet'", unknown.Errors);
    }

    [Fact]
    public async Task Connections_kick_closes_the_users_real_socket_with_1008()
    {
        var user = await Host.NewUserAsync("kicked");
        var bystander = await Host.NewUserAsync("stays");
        await using var socket = await user.ConnectAsync();
        await using var other = await bystander.ConnectAsync();

        var list = await CtlRunner.RunAsync(Host, "connections", "list", "--json");
        var listed = JsonDocument.Parse(list.Output).RootElement.GetProperty("connections").EnumerateArray().ToList();
        Assert.Contains(listed, c => c.GetProperty("user").GetInt64() == user.UserId && c.GetProperty("protocol").GetString() == "seed000");

        var kick = await CtlRunner.RunAsync(Host, "connections", "kick", user.Id());
        Assert.Equal(0, kick.Exit);
        Assert.StartsWith($"closed 1 sockets of user {user.UserId}", kick.Output);

        var (status, reason) = await CloseOfAsync(socket.Socket, TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("kicked by an operator", reason);
        Assert.Equal(WebSocketState.Open, other.Socket.State);
    }

    private static async Task<(WebSocketCloseStatus? Status, string? Reason)> CloseOfAsync(ClientWebSocket socket, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close) return (received.CloseStatus, received.CloseStatusDescription);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
