namespace AkkaChat.Edge.Tests.Hosting;

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AkkaChat.Edge.Hosting;

/// <summary>
/// The node as an operator starts it, a real process: a start it cannot make ends at once with one line on stderr and
/// an exit code; a start it makes prints the listening line and, in JSON mode, only JSON lines.
/// </summary>
public sealed class StartupTests
{
    /// <summary>A refused start takes the runtime's start and a few checks: seconds, on a loaded box.</summary>
    private static readonly TimeSpan RefusalBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(90);
    private const string Listening = "AkkaChat is listening on";

    [Theory]
    [InlineData("HTTP", "AKKACHAT_HTTP_PORT")]
    [InlineData("remoting", "AKKACHAT_REMOTE_PORT")]
    public async Task A_taken_port_ends_the_start_with_one_line_naming_it(string what, string setting)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var env = Ports();
        env[setting] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var node = ChatProcess.Launch(env);

        Assert.Equal(StartupException.CannotListen, await node.ExitCodeAsync(RefusalBound));
        var line = Assert.Single(node.Stderr);
        Assert.StartsWith("akkachat: ", line);
        Assert.Contains($"{what} port {port} on 127.0.0.1 is already in use ({setting})", line);
        Assert.Empty(node.Stdout);
    }

    [Theory]
    [InlineData("AKKACHAT_HTTP_PORT=abc is not a port number", "AKKACHAT_HTTP_PORT=abc")]
    [InlineData("AKKACHAT_LOG_FORMAT=xml is not a log format", "AKKACHAT_LOG_FORMAT=xml")]
    [InlineData("AKKACHAT_BIND=localhost is not an IP address", "AKKACHAT_BIND=localhost")]
    [InlineData("AKKACHAT_PG is not an Npgsql connection string", "AKKACHAT_STORAGE=postgres", "AKKACHAT_PG=Hots=127.0.0.1")]
    [InlineData("'https://127.0.0.1:9' is not http://", "ASPNETCORE_URLS=https://127.0.0.1:9")]
    public async Task A_bad_setting_ends_the_start_with_one_line_naming_it(string expected, params string[] settings)
    {
        var env = Ports();
        foreach (var setting in settings) env[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];

        await using var node = ChatProcess.Launch(env);

        Assert.Equal(StartupException.BadConfiguration, await node.ExitCodeAsync(RefusalBound));
        var line = Assert.Single(node.Stderr);
        Assert.StartsWith("akkachat: ", line);
        Assert.Contains(expected, line);
        Assert.Empty(node.Stdout);
    }

    [Fact]
    public async Task A_lone_node_starts_with_the_listening_line_alone()
    {
        var env = Ports();
        env["ASPNETCORE_HTTP_PORTS"] = "8080"; // as Microsoft's container images set it: AKKACHAT_HTTP_PORT still decides, without a warning
        await using var node = ChatProcess.Launch(env);
        using var http = await ReadyAsync(node, int.Parse(env["AKKACHAT_HTTP_PORT"]!));

        // Warnings of a loaded box (a delayed heartbeat) may come; no informational chatter, and nothing in Akka's own format.
        var info = Assert.Single(node.Stdout, l => l.Contains(" info: ", StringComparison.Ordinal));
        Assert.Contains(Listening, info);
        Assert.Contains($"akka.tcp://akkachat@127.0.0.1:{env["AKKACHAT_REMOTE_PORT"]}", info);
        Assert.DoesNotContain(node.Stdout, l => l.Contains("manual cluster join", StringComparison.OrdinalIgnoreCase) || l.StartsWith('[') || l.Contains("Overriding", StringComparison.Ordinal));
        Assert.Empty(node.Stderr);
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_and_name_refusals_without_their_secrets()
    {
        const string password = "pa55-not-in-logs";
        const string mobile = "13612345678";
        const string token = "Zm9vYmFyYmF6.bm90LWEtc2lnbmF0dXJl";
        var env = Ports();
        env["AKKACHAT_LOG_FORMAT"] = "json";
        env["AKKACHAT_LOG_LEVEL"] = "debug"; // Akka's cluster entries and the socket lines too: more lines to parse
        var port = int.Parse(env["AKKACHAT_HTTP_PORT"]!);
        await using var node = ChatProcess.Launch(env);
        using var http = await ReadyAsync(node, port);

        var login = await http.PostAsync("/user/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["mobile"] = mobile, ["passwd"] = password }));
        Assert.Contains("\"code\":-1", (await login.Content.ReadAsStringAsync()).Replace(" ", ""));
        var socket = await http.GetAsync($"/chat?id=1&token={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, socket.StatusCode);
        await node.LineAsync(l => l.Contains("Failed login for mobile *******5678", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await node.LineAsync(l => l.Contains("Refused a token from 127.0.0.1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Equal(0, await node.TerminateAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains(node.Stdout, l => l.Contains(Listening, StringComparison.Ordinal));
        foreach (var line in node.Stdout)
        {
            using var json = ParseOrFail(line);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), line);
        }
        Assert.Contains(node.Stdout, l => l.Contains("\"Category\":\"Akka.Cluster\"", StringComparison.Ordinal));
        Assert.DoesNotContain(node.Stdout, l => l.Contains(password, StringComparison.Ordinal) || l.Contains(token, StringComparison.Ordinal) || l.Contains(mobile, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Urls_from_the_command_line_or_ASPNETCORE_URLS_decide_where_HTTP_listens(bool commandLine)
    {
        var env = Ports();
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        if (!commandLine) env["ASPNETCORE_URLS"] = url;

        await using var node = commandLine ? ChatProcess.Launch(env, "--urls", url) : ChatProcess.Launch(env);

        var listening = await node.LineAsync(l => l.Contains(Listening, StringComparison.Ordinal), ReadyBound);
        Assert.Contains($"{Listening} {url} ", listening);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        // AKKACHAT_HTTP_PORT gave way: nothing listens there.
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, int.Parse(env["AKKACHAT_HTTP_PORT"]!)));
    }

    [Theory]
    [InlineData("akkachat { http-port = ")]
    [InlineData("akkachat { http-port = eighty }")]
    [InlineData(null)]
    public void A_broken_or_missing_akkachat_conf_is_named_in_one_line(string? content)
    {
        var dir = Path.Combine(Path.GetTempPath(), "akkachat-tests", "hocon-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            if (content is not null) File.WriteAllText(Path.Combine(dir, "akkachat.conf"), content);
            var error = Assert.Throws<StartupException>(() => StartupChecks.Options(new Dictionary<string, string?>(), dir));
            Assert.Equal(StartupException.BadConfiguration, error.ExitCode);
            Assert.Contains(Path.Combine(dir, "akkachat.conf"), error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Dictionary<string, string?> Ports() => new()
    {
        ["AKKACHAT_HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AKKACHAT_REMOTE_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Waits (bounded) for the listening line and <c>/readyz</c>; a client for the node.</summary>
    private static async Task<HttpClient> ReadyAsync(ChatProcess node, int port)
    {
        await node.LineAsync(l => l.Contains(Listening, StringComparison.Ordinal), ReadyBound);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        await Until.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, ReadyBound, "the node to become ready", TimeSpan.FromMilliseconds(100));
        return http;
    }

    private static JsonDocument ParseOrFail(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"not a JSON line ({e.Message}): {line}");
        }
    }
}
