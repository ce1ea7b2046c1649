namespace AkkaChat.Edge.Tests;

using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using AkkaChat.Edge.Hosting;
using AkkaChat.Persistence.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

/// <summary>
/// A real AkkaChat node for a test: Kestrel on a free loopback port, Akka remoting on a free port, and the
/// embedded SQLite journal in a fresh data directory. <see cref="RestartAsync"/> stops the whole host and
/// starts a new one on the same directory. Given a test's output, the node's warnings and errors go there (xunit shows
/// them with a failed test), so a failure says what the node saw: a persist that failed, a dead letter, a timeout.
/// </summary>
public sealed class ChatHost : IChatNode, IAsyncDisposable
{
    private readonly ITestOutputHelper? _output;
    private readonly Dictionary<string, string?> _env;
    private WebApplication? _app;

    private ChatHost(string dataDir, Dictionary<string, string?> env, ITestOutputHelper? output)
    {
        DataDir = dataDir;
        _env = env;
        _output = output;
    }

    public string DataDir { get; }

    /// <summary>
    /// An open connection of the test's own to the node's SQLite file (unpooled, so disposing it lets the file go), for a
    /// test that sets up what the node meets in its database: a held write lock, a missing table.
    /// </summary>
    public SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(DataDir, ChatStorage.SqliteFileName)};Pooling=False");
        connection.Open();
        return connection;
    }
    public IReadOnlyDictionary<string, string?> Environment => _env;
    public Uri BaseUri { get; private set; } = null!;
    public WebApplication App => _app ?? throw new InvalidOperationException("not running");

    /// <summary>Starts a node; on <paramref name="dataDir"/> when given (it is deleted with the host), else on a fresh directory.</summary>
    public static async Task<ChatHost> StartAsync(IDictionary<string, string?>? extraEnv = null, ITestOutputHelper? output = null, string? dataDir = null)
    {
        dataDir ??= TestNode.NewDataDir("");
        var env = TestNode.Environment(dataDir, new Dictionary<string, string?> { ["AKKACHAT_HTTP_PORT"] = "0", ["AKKACHAT_REMOTE_PORT"] = "0" });
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string?>()) env[k] = v;
        var host = new ChatHost(dataDir, env, output);
        await host.RunAsync();
        return host;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await RunAsync();
    }

    /// <summary>Restarts on the same data directory with some environment variables changed (a reconfigured node).</summary>
    public async Task RestartAsync(IDictionary<string, string?> changes)
    {
        await StopAsync();
        foreach (var (k, v) in changes) _env[k] = v;
        await RunAsync();
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
        SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void ForwardNodeLog(ActorSystem system, ITestOutputHelper output)
    {
        var forwarder = system.ActorOf(Props.Create(() => new NodeLogForwarder(output)), "test-log-forwarder");
        system.EventStream.Subscribe(forwarder, typeof(Warning));
        system.EventStream.Subscribe(forwarder, typeof(Error));
    }

    private async Task RunAsync()
    {
        var options = ChatOptions.Load(Environment);
        _app = ChatServer.Build(options);
        await _app.StartAsync();
        if (_output is not null) ForwardNodeLog(_app.Services.GetRequiredService<ActorSystem>(), _output);
        BaseUri = new Uri(_app.Urls.First());
        using var http = new HttpClient { BaseAddress = BaseUri };
        await Until.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the node to become ready");
    }
}

/// <summary>Copies the node's warnings and errors (Akka's event stream) to a test's output, stamped with the time.</summary>
internal sealed class NodeLogForwarder : ActorBase
{
    private readonly ITestOutputHelper _output;

    public NodeLogForwarder(ITestOutputHelper output) => _output = output;

    protected override bool Receive(object message)
    {
        if (message is not LogEvent e) return false;
        var cause = e is Error { Cause: { } exception } ? Environment.NewLine + exception : "";
        try
        {
            _output.WriteLine($"[node {e.Timestamp:HH:mm:ss.fff}] {(e is Error ? "ERROR" : "WARNING")} {e.LogSource}: {e.Message}{cause}");
        }
        catch (InvalidOperationException)
        {
            // The test has ended (xunit refuses output after it); the node is stopping with it.
        }
        return true;
    }
}

/// <summary>One browser-like client: its own cookie jar, form posts, and sockets.</summary>
public sealed class ChatClient : IDisposable
{
    private readonly Uri _node;
    private readonly HttpClient _http;
    private readonly System.Net.CookieContainer _cookies = new();

    /// <summary>A client of the node at <paramref name="node"/> (an in-process host or a separate process).</summary>
    public ChatClient(Uri node)
    {
        _node = node;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, UseCookies = true }) { BaseAddress = node };
    }

    public HttpClient Http => _http;
    public long UserId { get; private set; }
    public string Mobile { get; private set; } = "";
    public string Token { get; private set; } = "";

    /// <summary>Posts a form the way the seed client does and returns the parsed envelope (asserting HTTP 200).</summary>
    public async Task<JsonElement> PostAsync(string path, params (string Key, string Value)[] fields)
    {
        using var response = await _http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
        if (response.StatusCode != System.Net.HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered HTTP {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Registers <paramref name="mobile"/> and logs in (the session cookie is kept).</summary>
    public async Task<long> SignUpAsync(string mobile, string nickname = "", string password = "secret123")
    {
        var registered = await PostAsync("/user/register", ("mobile", mobile), ("passwd", password), ("nickname", nickname));
        if (registered.GetProperty("code").GetInt32() != 0) throw new InvalidOperationException("register: " + registered);
        return await LogInAsync(mobile, password);
    }

    public async Task<long> LogInAsync(string mobile, string password = "secret123")
    {
        var login = await PostAsync("/user/login", ("mobile", mobile), ("passwd", password));
        Mobile = mobile;
        if (login.GetProperty("code").GetInt32() != 0) throw new InvalidOperationException("login: " + login);
        UserId = login.GetProperty("data").GetProperty("id").GetInt64();
        Token = login.GetProperty("data").GetProperty("token").GetString()!;
        return UserId;
    }

    public Task<ChatSocket> ConnectAsync() => ConnectAsync(_node, UserId, Token);

    /// <summary>A socket of the user <paramref name="userId"/> on <paramref name="node"/>: seed-000, or with <paramref name="v2"/> protocol v2.</summary>
    public static async Task<ChatSocket> ConnectAsync(Uri node, long userId, string token, bool v2 = false)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(SocketUri(node, userId, token, v2), timeout.Token);
        return new ChatSocket(socket);
    }

    /// <summary>Where a <c>/chat</c> socket of <paramref name="userId"/> opens on <paramref name="node"/>: seed-000, or with <paramref name="v2"/> protocol v2.</summary>
    public static Uri SocketUri(Uri node, long userId, string token, bool v2 = false) =>
        new UriBuilder(node) { Scheme = "ws", Path = "/chat", Query = $"id={userId}&token={Uri.EscapeDataString(token)}" + (v2 ? "&v=2" : "") }.Uri;

    public void Dispose() => _http.Dispose();
}

/// <summary>A client socket with bounded waits for frames.</summary>
public sealed class ChatSocket(ClientWebSocket socket) : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    public ClientWebSocket Socket => socket;

    public Task SendJsonAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public Task SendTextAsync(string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text frame as JSON; throws when none arrives within <paramref name="wait"/>.</summary>
    public async Task<JsonElement> ReceiveJsonAsync(TimeSpan? wait = null)
    {
        var (type, text) = await ReceiveAsync(wait ?? DefaultWait);
        if (type != WebSocketMessageType.Text) throw new InvalidOperationException($"expected a text frame, got {type}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts that no frame arrives within <paramref name="wait"/>.</summary>
    public async Task ExpectSilenceAsync(TimeSpan wait)
    {
        try
        {
            var (type, text) = await ReceiveAsync(wait);
            throw new InvalidOperationException($"expected silence, got {type}: {text}");
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var buffer = new byte[1 << 17];
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), timeout.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return (result.MessageType, Encoding.UTF8.GetString(buffer, 0, length));
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }
        socket.Dispose();
    }
}
