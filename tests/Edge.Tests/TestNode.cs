namespace AkkaChat.Edge.Tests;

/// <summary>
/// What a test knows of a node it started: where it answers and where its data lives. An in-process node
/// (<see cref="ChatHost"/>, the usual one) or a separate process (<see cref="ChatProcess"/>, when a test kills, signals
/// or clusters it) — one way to start each, the same settings for both.
/// </summary>
public interface IChatNode
{
    Uri BaseUri { get; }

    string DataDir { get; }
}

/// <summary>The settings every test node starts with.</summary>
public static class TestNode
{
    /// <summary>The environment of a test node on <paramref name="dataDir"/>, with <paramref name="extra"/> on top.</summary>
    public static Dictionary<string, string?> Environment(string dataDir, IDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["AKKACHAT_DATA_DIR"] = dataDir,
            ["AKKACHAT_BIND"] = "127.0.0.1",
            // Tests register and log in many users quickly from one address: a cheap hash and no per-address limits
            // (the defaults are 600,000 iterations and 30 logins a minute); tests of those set them back.
            ["AKKACHAT_PBKDF2_ITERATIONS"] = "1000",
            ["AKKACHAT_LOGIN_PER_ADDRESS"] = "0",
            ["AKKACHAT_REGISTER_PER_ADDRESS"] = "0",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) env[k] = v;
        return env;
    }

    /// <summary>A fresh data directory path under the temp directory (not created).</summary>
    public static string NewDataDir(string prefix) => Path.Combine(Path.GetTempPath(), "akkachat-tests", prefix + Guid.NewGuid().ToString("N"));

    /// <summary>A browser-like client of <paramref name="node"/>.</summary>
    public static ChatClient NewClient(this IChatNode node) => new(node.BaseUri);

    /// <summary>A client with no cookie jar at all: it only authenticates with what the test sends explicitly.</summary>
    public static HttpClient CookielessClient(this IChatNode node) =>
        new(new HttpClientHandler { UseCookies = false }) { BaseAddress = node.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
}
