namespace AkkaChat.Edge.Hosting;

using Akka.Configuration;
using AkkaChat.Core;
using AkkaChat.Persistence.Storage;

/// <summary>
/// Everything a node needs to start, read once: <c>hocon/akkachat.conf</c> for defaults,
/// then environment variables for addresses, paths and secrets.
/// </summary>
public sealed record ChatOptions
{
    public required string HoconDir { get; init; }
    public required string Bind { get; init; }
    public required int HttpPort { get; init; }
    public required int RemotePort { get; init; }
    public required string DataDir { get; init; }
    public required ChatStorage Storage { get; init; }
    public required IReadOnlyList<string> SeedNodes { get; init; }
    public string? Secret { get; init; }
    public required TimeSpan TokenLifetime { get; init; }
    public required AuthSettings Auth { get; init; }
    public required ChatSettings Settings { get; init; }
    public required long MaxUploadBytes { get; init; }
    public required int MaxFrameBytes { get; init; }
    public required int OutboundQueue { get; init; }
    public required TimeSpan KeepAlive { get; init; }

    /// <summary>How long a socket may leave a keep-alive ping unanswered before it is dropped (a peer gone without a close); 0 in the settings: never.</summary>
    public required TimeSpan KeepAliveTimeout { get; init; }
    public required TimeSpan HeartbeatInterval { get; init; }
    public required int MissedHeartbeats { get; init; }
    public required double MessagesPerSecond { get; init; }
    public required double MessageBurst { get; init; }

    /// <summary>The raw TCP edge's port (AKKACHAT_TCP_PORT); 0, the default, leaves it off.</summary>
    public int TcpPort { get; init; }

    /// <summary>The address the TCP edge listens on (AKKACHAT_TCP_HOST, default 127.0.0.1).</summary>
    public string TcpHost { get; init; } = "127.0.0.1";

    /// <summary>Log format and level (AKKACHAT_LOG_FORMAT, AKKACHAT_LOG_LEVEL).</summary>
    public LogSettings Log { get; init; } = LogSettings.Default;

    /// <summary>How long the cluster must be stable before the split-brain resolver downs unreachable nodes (AKKACHAT_SBR_STABLE_AFTER; null: hocon/cluster.conf).</summary>
    public TimeSpan? SbrStableAfter { get; init; }

    /// <summary>Whether <c>/metrics</c> answers callers off this machine (AKKACHAT_METRICS_REMOTE=true; default loopback only).</summary>
    public bool MetricsRemote { get; init; }
    /// <summary>A fixed admin token (AKKACHAT_ADMIN_TOKEN); null: generated into the data directory or, on PostgreSQL, the database.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Whether callers other than the node's own machine may use /admin, with the token (AKKACHAT_ADMIN_REMOTE=true).</summary>
    public bool AdminRemote { get; init; }

    public string AttachmentsDir => Path.Combine(DataDir, "attachments");

    /// <summary>
    /// What the record prints: where the node listens and keeps its data. A record prints every property by default,
    /// which would put the signing secret, the admin token and a PostgreSQL password (in <see cref="Storage"/>) into
    /// any log or exception message that formats the options.
    /// </summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Bind = {Bind}, HttpPort = {HttpPort}, RemotePort = {RemotePort}, TcpPort = {TcpPort}, DataDir = {DataDir}, ");
        builder.Append($"Storage = {Storage.Kind}, SeedNodes = [{string.Join(", ", SeedNodes)}]");
        return true;
    }

    /// <summary>Reads the options from the HOCON files in <paramref name="hoconDir"/> and the given environment.</summary>
    public static ChatOptions Load(IReadOnlyDictionary<string, string?> env, string? hoconDir = null)
    {
        hoconDir ??= Path.Combine(AppContext.BaseDirectory, "hocon");
        var config = ReadHocon(Path.Combine(hoconDir, "akkachat.conf")).GetConfig("akkachat");

        string Env(string name, string fallback) => env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : fallback;
        int EnvInt(string name, int fallback) =>
            int.TryParse(Env(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), out var v) && v >= 0
                ? v
                : throw new ArgumentException($"{name}={Env(name, "")} is not a non-negative integer");
        int EnvPort(string name, int fallback) =>
            int.TryParse(Env(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), out var v) && v is >= 0 and <= 65535
                ? v
                : throw new ArgumentException($"{name}={Env(name, "")} is not a port number (0-65535)");
        bool EnvBool(string name) => Env(name, "false").ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            var other => throw new ArgumentException($"{name} must be true or false, not '{other}'"),
        };

        var dataDir = Path.GetFullPath(Env("AKKACHAT_DATA_DIR", config.GetString("data-dir", "./data")));
        var storageKind = Env("AKKACHAT_STORAGE", config.GetString("storage", "sqlite")).ToLowerInvariant();
        var storage = storageKind switch
        {
            "sqlite" => ChatStorage.Sqlite(dataDir) with
            {
                RelaxedSync = Env("AKKACHAT_SQLITE_SYNC", config.GetString("sqlite.synchronous", "full")).ToLowerInvariant() switch
                {
                    "full" => false,
                    "normal" => true,
                    var other => throw new ArgumentException($"AKKACHAT_SQLITE_SYNC must be full or normal, not '{other}'"),
                },
            },
            "postgres" or "postgresql" => ChatStorage.Postgres(Env("AKKACHAT_PG", "") is { Length: > 0 } pg
                ? pg
                : throw new ArgumentException("AKKACHAT_STORAGE=postgres needs AKKACHAT_PG (an Npgsql connection string)")),
            _ => throw new ArgumentException($"AKKACHAT_STORAGE must be sqlite or postgres, not '{storageKind}'"),
        } with
        {
            Journal = Env("AKKACHAT_JOURNAL", config.GetString("journal", "native")).ToLowerInvariant() switch
            {
                "native" => JournalKind.Native,
                "sql" => JournalKind.Sql,
                var other => throw new ArgumentException($"AKKACHAT_JOURNAL must be native or sql, not '{other}'"),
            },
        };

        return new ChatOptions
        {
            HoconDir = hoconDir,
            Bind = Env("AKKACHAT_BIND", "127.0.0.1"),
            HttpPort = EnvPort("AKKACHAT_HTTP_PORT", config.GetInt("http-port", 8080)),
            RemotePort = EnvPort("AKKACHAT_REMOTE_PORT", 4053),
            DataDir = dataDir,
            Storage = storage,
            SeedNodes = Env("AKKACHAT_SEEDS", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Secret = Env("AKKACHAT_SECRET", "") is { Length: > 0 } secret ? secret : null,
            TokenLifetime = config.GetTimeSpan("auth.token-lifetime", TimeSpan.FromDays(7)),
            Auth = new AuthSettings(
                Pbkdf2Iterations: EnvInt("AKKACHAT_PBKDF2_ITERATIONS", config.GetInt("auth.pbkdf2-iterations", 600_000)),
                SessionCheckCache: config.GetTimeSpan("auth.session-check-cache", TimeSpan.FromSeconds(2)),
                LoginsPerAddress: EnvInt("AKKACHAT_LOGIN_PER_ADDRESS", config.GetInt("auth.rate-limits.login-per-address", 30)),
                RegistrationsPerAddress: EnvInt("AKKACHAT_REGISTER_PER_ADDRESS", config.GetInt("auth.rate-limits.register-per-address", 10)),
                AddressWindow: TimeSpan.FromMilliseconds(EnvInt("AKKACHAT_ADDRESS_WINDOW_MS", (int)config.GetTimeSpan("auth.rate-limits.address-window", TimeSpan.FromMinutes(1)).TotalMilliseconds)),
                LoginFailuresPerMobile: EnvInt("AKKACHAT_LOGIN_FAILURES_PER_MOBILE", config.GetInt("auth.rate-limits.login-failures-per-mobile", 5)),
                RegistrationsPerMobile: config.GetInt("auth.rate-limits.register-per-mobile", 5),
                MobileWindow: TimeSpan.FromMilliseconds(EnvInt("AKKACHAT_MOBILE_WINDOW_MS", (int)config.GetTimeSpan("auth.rate-limits.mobile-window", TimeSpan.FromMinutes(5)).TotalMilliseconds))),
            Settings = new ChatSettings(
                MaxOwnedRooms: EnvInt("AKKACHAT_MAX_ROOMS", config.GetInt("rooms.max-owned-per-user", 5)),
                EntityIdleTimeout: config.GetTimeSpan("entity-idle-timeout", TimeSpan.FromMinutes(2)),
                SnapshotEvery: config.GetInt("snapshot-every", 500),
                IdBlockSize: config.GetInt("id-block-size", 100),
                SpreadSnapshots: config.GetBoolean("snapshot-spread", true),
                DirectAppends: storage.Journal == JournalKind.Native),
            MaxUploadBytes = config.GetLong("uploads.max-bytes", 10 * 1024 * 1024),
            MaxFrameBytes = config.GetInt("websocket.max-frame-bytes", 64 * 1024),
            OutboundQueue = EnvInt("AKKACHAT_OUTBOUND_QUEUE", config.GetInt("websocket.outbound-queue", 1024)),
            KeepAlive = TimeSpan.FromMilliseconds(EnvInt("AKKACHAT_KEEPALIVE_MS", (int)config.GetTimeSpan("websocket.keep-alive", TimeSpan.FromSeconds(30)).TotalMilliseconds)),
            KeepAliveTimeout = EnvInt("AKKACHAT_KEEPALIVE_TIMEOUT_MS", (int)config.GetTimeSpan("websocket.keep-alive-timeout", TimeSpan.FromSeconds(30)).TotalMilliseconds) is > 0 and var pongWait
                ? TimeSpan.FromMilliseconds(pongWait)
                : Timeout.InfiniteTimeSpan,
            HeartbeatInterval = TimeSpan.FromMilliseconds(EnvInt("AKKACHAT_HEARTBEAT_MS", (int)config.GetTimeSpan("websocket.heartbeat-interval", TimeSpan.FromSeconds(30)).TotalMilliseconds)),
            MissedHeartbeats = config.GetInt("websocket.missed-heartbeats", 3),
            MessagesPerSecond = EnvInt("AKKACHAT_MSG_RATE", config.GetInt("websocket.rate-per-second", 50)),
            MessageBurst = env.ContainsKey("AKKACHAT_MSG_RATE") ? 2 * EnvInt("AKKACHAT_MSG_RATE", 50) : config.GetInt("websocket.rate-burst", 100),
            TcpPort = EnvPort("AKKACHAT_TCP_PORT", 0),
            TcpHost = Env("AKKACHAT_TCP_HOST", "127.0.0.1"),
            SbrStableAfter = Env("AKKACHAT_SBR_STABLE_AFTER", "") is { Length: > 0 } stable ? ParseDuration("AKKACHAT_SBR_STABLE_AFTER", stable) : null,
            MetricsRemote = EnvBool("AKKACHAT_METRICS_REMOTE"),
            AdminToken = Env("AKKACHAT_ADMIN_TOKEN", "") is { Length: > 0 } adminToken
                ? adminToken.Length >= 16 ? adminToken : throw new ArgumentException("AKKACHAT_ADMIN_TOKEN must be at least 16 characters")
                : null,
            AdminRemote = EnvBool("AKKACHAT_ADMIN_REMOTE"),
            Log = LogSettings.Parse(Env("AKKACHAT_LOG_FORMAT", "text"), Env("AKKACHAT_LOG_LEVEL", "information")),
        };
    }

    /// <summary>A HOCON file, or an <see cref="ArgumentException"/> naming it (missing, unreadable or not HOCON).</summary>
    private static Config ReadHocon(string path)
    {
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception e)
        {
            throw new ArgumentException($"cannot read {path}: {e.Message.ReplaceLineEndings(" ").Trim()}", e);
        }
    }

    /// <summary>A duration such as <c>5s</c>, <c>500ms</c> or <c>2m</c>, at least one second.</summary>
    private static TimeSpan ParseDuration(string name, string value)
    {
        var digits = value.TakeWhile(char.IsAsciiDigit).Count();
        var duration = digits > 0 && digits <= 9 && int.Parse(value[..digits], System.Globalization.CultureInfo.InvariantCulture) is var n
            ? value[digits..] switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.Zero,
            }
            : TimeSpan.Zero;
        return duration >= TimeSpan.FromSeconds(1) ? duration : throw new ArgumentException($"{name} must be a duration of at least 1s such as 7s, 1500ms or 1m, not '{value}'");
    }

    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
}

/// <summary>
/// Password hashing cost, how long a node trusts a checked session, and the login and registration limits
/// (a limit of 0 is off). Per-address limits use fixed windows; per-mobile login failures lock the mobile (see <c>LoginThrottle</c>).
/// </summary>
public sealed record AuthSettings(
    int Pbkdf2Iterations,
    TimeSpan SessionCheckCache,
    int LoginsPerAddress,
    int RegistrationsPerAddress,
    TimeSpan AddressWindow,
    int LoginFailuresPerMobile,
    int RegistrationsPerMobile,
    TimeSpan MobileWindow);
