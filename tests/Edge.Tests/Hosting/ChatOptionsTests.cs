namespace AkkaChat.Edge.Tests.Hosting;

using Akka.Configuration;
using AkkaChat.Edge.Hosting;
using AkkaChat.Persistence.Storage;

/// <summary>The shipped HOCON files load, hold the keys the node relies on, and the environment overrides them.</summary>
public sealed class ChatOptionsTests
{
    private static readonly string HoconDir = Path.Combine(AppContext.BaseDirectory, "hocon");

    private static Config Load(string file) => ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(HoconDir, file)));

    [Fact]
    public void Defaults_come_from_the_hocon_files()
    {
        var options = ChatOptions.Load(new Dictionary<string, string?>());
        Assert.Equal(8080, options.HttpPort);
        Assert.Equal(4053, options.RemotePort);
        Assert.Equal("127.0.0.1", options.Bind);
        Assert.Equal(Path.GetFullPath("./data"), options.DataDir);
        Assert.Equal(StorageKind.Sqlite, options.Storage.Kind);
        Assert.False(options.Storage.RelaxedSync);
        Assert.NotNull(options.Storage.SqliteConnectionSetup());
        Assert.DoesNotContain("synchronous", options.Storage.ConnectionPragmas());
        Assert.Equal(JournalKind.Native, options.Storage.Journal);
        Assert.Equal("akka.persistence.journal.sqlite", options.Storage.OverrideConfig().GetString("akka.persistence.journal.plugin"));
        Assert.Equal("full", options.Storage.OverrideConfig().GetString("akka.persistence.journal.sqlite.synchronous"));
        Assert.Equal("akka.persistence.snapshot-store.sqlite", options.Storage.OverrideConfig().GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("full", options.Storage.OverrideConfig().GetString("akka.persistence.snapshot-store.sqlite.synchronous"));
        Assert.Equal(5, options.Settings.MaxOwnedRooms);
        Assert.Equal(65_536, options.MaxFrameBytes);
        Assert.Equal(10 * 1024 * 1024, options.MaxUploadBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.HeartbeatInterval);
        Assert.Equal(3, options.MissedHeartbeats);
        Assert.Equal(50, options.MessagesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAliveTimeout);
        Assert.Empty(options.SeedNodes);
    }

    [Theory]
    [InlineData("500", "2000", 500, 2000)]
    [InlineData("30000", "0", 30_000, -1)] // 0: a socket is never dropped for an unanswered ping
    public void The_keep_alive_pings_and_their_timeout_come_from_the_environment(string interval, string timeout, int intervalMs, int timeoutMs)
    {
        var options = ChatOptions.Load(new Dictionary<string, string?>
        {
            ["AKKACHAT_KEEPALIVE_MS"] = interval,
            ["AKKACHAT_KEEPALIVE_TIMEOUT_MS"] = timeout,
        });
        Assert.Equal(TimeSpan.FromMilliseconds(intervalMs), options.KeepAlive);
        Assert.Equal(timeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(timeoutMs), options.KeepAliveTimeout);
    }

    [Fact]
    public void Printing_the_options_shows_no_secret()
    {
        const string secret = "0123456789abcdef0123456789abcdef", adminToken = "admin-token-0123456789", password = "pg-password-42";
        var options = ChatOptions.Load(new Dictionary<string, string?>
        {
            ["AKKACHAT_SECRET"] = secret,
            ["AKKACHAT_ADMIN_TOKEN"] = adminToken,
            ["AKKACHAT_STORAGE"] = "postgres",
            ["AKKACHAT_PG"] = $"Host=127.0.0.1;Username=chat;Password={password}",
            ["AKKACHAT_HTTP_PORT"] = "9091",
        });
        var printed = options.ToString();
        Assert.Contains("HttpPort = 9091", printed);
        Assert.DoesNotContain(secret, printed);
        Assert.DoesNotContain(adminToken, printed);
        Assert.DoesNotContain(password, printed);
    }

    [Fact]
    public void Environment_variables_override_addresses_paths_and_storage()
    {
        var options = ChatOptions.Load(new Dictionary<string, string?>
        {
            ["AKKACHAT_HTTP_PORT"] = "9090",
            ["AKKACHAT_REMOTE_PORT"] = "5000",
            ["AKKACHAT_BIND"] = "127.0.0.2",
            ["AKKACHAT_DATA_DIR"] = "/tmp/akkachat-options-test",
            ["AKKACHAT_MAX_ROOMS"] = "9",
            ["AKKACHAT_SQLITE_SYNC"] = "normal",
            ["AKKACHAT_JOURNAL"] = "sql",
            ["AKKACHAT_SEEDS"] = "akka.tcp://akkachat@127.0.0.1:4053, akka.tcp://akkachat@127.0.0.1:4054",
        });
        Assert.Equal(9090, options.HttpPort);
        Assert.Equal(5000, options.RemotePort);
        Assert.Equal("127.0.0.2", options.Bind);
        Assert.Equal("/tmp/akkachat-options-test", options.DataDir);
        Assert.Equal(9, options.Settings.MaxOwnedRooms);
        Assert.True(options.Storage.RelaxedSync);
        Assert.Contains("synchronous=NORMAL", options.Storage.ConnectionPragmas());
        Assert.Equal(JournalKind.Sql, options.Storage.Journal);
        Assert.Equal("akka.persistence.journal.sql", options.Storage.OverrideConfig().GetString("akka.persistence.journal.plugin"));
        Assert.Equal("normal", options.Storage.OverrideConfig().GetString("akka.persistence.journal.sqlite.synchronous"));
        Assert.Equal("normal", options.Storage.OverrideConfig().GetString("akka.persistence.snapshot-store.sqlite.synchronous"));
        // The SQL journal mode stays Akka.Persistence.Sql's throughout, snapshots included.
        Assert.Equal("akka.persistence.snapshot-store.sql", options.Storage.OverrideConfig().GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal(2, options.SeedNodes.Count);

        var postgres = ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_STORAGE"] = "postgres", ["AKKACHAT_PG"] = "Host=127.0.0.1;Username=chat" });
        Assert.Equal(StorageKind.Postgres, postgres.Storage.Kind);
        Assert.Equal("persistence.postgres.conf", postgres.Storage.HoconFile);
        Assert.Equal("akka.persistence.journal.postgres", postgres.Storage.OverrideConfig().GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", postgres.Storage.OverrideConfig().GetString("akka.persistence.snapshot-store.plugin"));
        var postgresSql = ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_STORAGE"] = "postgres", ["AKKACHAT_PG"] = "Host=127.0.0.1", ["AKKACHAT_JOURNAL"] = "sql" });
        Assert.Equal("akka.persistence.journal.sql", postgresSql.Storage.JournalPlugin);
        Assert.Null(postgres.Storage.SqliteConnectionSetup());
    }

    [Theory]
    [InlineData("AKKACHAT_HTTP_PORT", "eighty")]
    [InlineData("AKKACHAT_STORAGE", "mongodb")]
    [InlineData("AKKACHAT_SQLITE_SYNC", "off")]
    [InlineData("AKKACHAT_JOURNAL", "leveldb")]
    public void Bad_environment_values_are_refused_with_the_variable_named(string variable, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => ChatOptions.Load(new Dictionary<string, string?> { [variable] = value }));
        Assert.Contains(variable, error.Message);
    }

    [Fact]
    public void Postgres_needs_a_connection_string()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_STORAGE"] = "postgres" }));
        Assert.Contains("AKKACHAT_PG", error.Message);
    }

    [Fact]
    public void Every_hocon_file_parses_and_holds_the_keys_the_node_relies_on()
    {
        Assert.Equal("cluster", Load("akka.conf").GetString("akka.actor.provider"));
        Assert.Contains("SplitBrainResolver", Load("cluster.conf").GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("off", Load("sharding.conf").GetString("akka.cluster.sharding.passivate-idle-entity-after"));
        Assert.Equal(TimeSpan.FromSeconds(20), Load("cluster.conf").GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.True(Load("sharding.conf").GetInt("akka.cluster.sharding.least-shard-allocation-strategy.rebalance-absolute-limit") > 0);
        foreach (var (file, provider) in new[] { ("persistence.sqlite.conf", "SQLite.MS"), ("persistence.postgres.conf", "PostgreSQL.15") })
        {
            var config = Load(file);
            var sqlite = file == "persistence.sqlite.conf";
            Assert.Equal(sqlite ? "akka.persistence.journal.sqlite" : "akka.persistence.journal.postgres", config.GetString("akka.persistence.journal.plugin"));
            Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.query.journal.sql.write-plugin"));
            Assert.Equal(sqlite ? "akka.persistence.snapshot-store.sqlite" : "akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
            Assert.Equal(provider, config.GetString("akka.persistence.snapshot-store.sql.provider-name"));
            Assert.Equal(provider, config.GetString("akka.persistence.journal.sql.provider-name"));
            Assert.Equal(provider, config.GetString("akka.persistence.query.journal.sql.provider-name"));
            Assert.True(config.GetBoolean("akka.persistence.journal.sql.auto-initialize"));
        }
        var chat = Load("akkachat.conf");
        Assert.Equal("full", chat.GetString("akkachat.sqlite.synchronous"));
        Assert.Equal("native", chat.GetString("akkachat.journal"));
        var sqliteFile = Load("persistence.sqlite.conf");
        Assert.Equal("AkkaChat.Persistence.Journal.SqliteJournal, AkkaChat.Persistence", sqliteFile.GetString("akka.persistence.journal.sqlite.class"));
        Assert.NotNull(Type.GetType(sqliteFile.GetString("akka.persistence.journal.sqlite.class")));
        Assert.NotNull(Type.GetType(sqliteFile.GetString("akka.persistence.snapshot-store.sqlite.class")));
        Assert.NotNull(Type.GetType(Load("persistence.postgres.conf").GetString("akka.persistence.journal.postgres.class")));
        Assert.True(chat.HasPath("akkachat.websocket.outbound-queue"));
        foreach (var key in new[] { "token-lifetime", "session-check-cache", "pbkdf2-iterations", "rate-limits.login-per-address", "rate-limits.register-per-address",
                     "rate-limits.address-window", "rate-limits.login-failures-per-mobile", "rate-limits.register-per-mobile", "rate-limits.mobile-window" })
            Assert.True(chat.HasPath("akkachat.auth." + key), "akkachat.auth." + key + " is missing");
    }

    [Fact]
    public void Authentication_defaults_are_real_protection_and_the_environment_overrides_them()
    {
        var defaults = ChatOptions.Load(new Dictionary<string, string?>()).Auth;
        Assert.Equal(new AuthSettings(600_000, TimeSpan.FromSeconds(2), 30, 10, TimeSpan.FromMinutes(1), 5, 5, TimeSpan.FromMinutes(5)), defaults);

        var tuned = ChatOptions.Load(new Dictionary<string, string?>
        {
            ["AKKACHAT_PBKDF2_ITERATIONS"] = "1000",
            ["AKKACHAT_LOGIN_PER_ADDRESS"] = "0",
            ["AKKACHAT_REGISTER_PER_ADDRESS"] = "3",
            ["AKKACHAT_ADDRESS_WINDOW_MS"] = "2000",
            ["AKKACHAT_LOGIN_FAILURES_PER_MOBILE"] = "7",
            ["AKKACHAT_MOBILE_WINDOW_MS"] = "3000",
        }).Auth;
        Assert.Equal(defaults with
        {
            Pbkdf2Iterations = 1000,
            LoginsPerAddress = 0,
            RegistrationsPerAddress = 3,
            AddressWindow = TimeSpan.FromSeconds(2),
            LoginFailuresPerMobile = 7,
            MobileWindow = TimeSpan.FromSeconds(3),
        }, tuned);
    }

    [Theory]
    [InlineData("7s", 7_000)]
    [InlineData("1500ms", 1_500)]
    [InlineData("1m", 60_000)]
    public void The_split_brain_resolver_waits_as_long_as_the_environment_says(string value, int millis)
    {
        var options = ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_SBR_STABLE_AFTER"] = value });
        Assert.Equal(TimeSpan.FromMilliseconds(millis), options.SbrStableAfter);
        Assert.Null(ChatOptions.Load(new Dictionary<string, string?>()).SbrStableAfter);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("500ms")]
    [InlineData("soon")]
    [InlineData("5 s")]
    public void A_stable_after_without_a_unit_or_under_a_second_is_refused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_SBR_STABLE_AFTER"] = value }));
        Assert.Contains("AKKACHAT_SBR_STABLE_AFTER", error.Message);
    }
}
