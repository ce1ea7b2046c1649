namespace AkkaChat.LoadTest.Cli;

using System.Globalization;

public enum Scenario
{
    Connect,
    Direct,
    Group,
    Mixed,
    Storm,
    FindMax,
}

public enum ProgressMode
{
    Auto,
    Live,
    Plain,
    None,
}

/// <summary>Everything one run needs, parsed from the command line (see <see cref="Usage"/>).</summary>
public sealed record LoadOptions
{
    public required Scenario Scenario { get; init; }
    /// <summary>The first of <see cref="Urls"/>: fixture set-up (registration, friends, rooms) goes through it.</summary>
    public required Uri Url { get; init; }

    /// <summary>Every node to load; socket i connects (and reconnects) to <c>Urls[i % Urls.Count]</c>.</summary>
    public IReadOnlyList<Uri> Urls
    {
        get => _urls.Count > 0 ? _urls : [Url];
        init => _urls = value;
    }

    private readonly IReadOnlyList<Uri> _urls = [];
    public double DurationSeconds { get; init; } = 30;
    public double Rate { get; init; } = 1000;
    public int Users { get; init; } = 400;
    public int RoomSize { get; init; } = 100;
    public int? Rooms { get; init; }
    public int? Sockets { get; init; }
    public double GroupShare { get; init; } = 0.5;
    public int MessageBytes { get; init; } = 64;
    public bool Verify { get; init; }
    public double DrainSeconds { get; init; } = 10;
    public double WarmupSeconds { get; init; } = 3;
    /// <summary>Server processes sampled together (CPU, RSS summed); empty: the server is not measured.</summary>
    public IReadOnlyList<int> ServerPids { get; init; } = [];
    public string? OutFile { get; init; }
    public string? FixtureFile { get; init; }
    public string Label { get; init; } = "target";
    public string Protocol { get; init; } = "seed000";
    /// <summary>seed003 only: <c>ws</c> (binary messages on <c>/ws</c>) or <c>tcp</c> (the node's TCP edge).</summary>
    public string Transport { get; init; } = "ws";
    /// <summary><c>--transport tcp</c>: each node's TCP port, in the order of <see cref="Urls"/> (AKKACHAT_TCP_PORT).</summary>
    public IReadOnlyList<int> TcpPorts { get; init; } = [];
    public int SourceAddresses { get; init; } = 8;
    public int RegisterParallelism { get; init; } = 4;
    public int SetupParallelism { get; init; } = 16;
    public int ConnectParallelism { get; init; } = 64;
    public double ConnectTimeoutSeconds { get; init; } = 15;
    public double MaxSocketRate { get; init; } = 40;
    public double MaxUserRate { get; init; } = 90;
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;
    public int ProgressEverySeconds { get; init; } = 5;
    public double StormShare { get; init; } = 0.2;
    public double StormEverySeconds { get; init; } = 5;
    public double StormDownSeconds { get; init; } = 1;
    public double TargetP99Ms { get; init; } = 50;
    public double StepFactor { get; init; } = 1.5;
    public double StepSeconds { get; init; } = 10;
    public int MaxSteps { get; init; } = 12;
    public int RefineSteps { get; init; } = 3;
    public Scenario FindMaxMode { get; init; } = Scenario.Direct;

    /// <summary>Total sockets: <c>--sockets</c>, or 10,000 for <c>connect</c> and one per user otherwise.</summary>
    public int TotalSockets => Sockets ?? (Scenario == Scenario.Connect ? 10_000 : Users);

    /// <summary>Rooms: <c>--rooms</c>, or as many disjoint rooms of <see cref="RoomSize"/> as the users fill (at least one).</summary>
    public int RoomCount => Rooms ?? Math.Max(1, Users / RoomSize);

    /// <summary>The kinds of traffic a scenario sends: (direct share, group share).</summary>
    public (bool Direct, bool Group) Traffic => Scenario switch
    {
        Scenario.Direct => (true, false),
        Scenario.Group => (false, true),
        Scenario.Mixed or Scenario.Storm => (GroupShare < 1, GroupShare > 0),
        Scenario.FindMax => (FindMaxMode == Scenario.Direct, FindMaxMode == Scenario.Group),
        _ => (false, false),
    };

    public double EffectiveGroupShare => Scenario switch
    {
        Scenario.Direct => 0,
        Scenario.Group => 1,
        Scenario.FindMax => FindMaxMode == Scenario.Group ? 1 : 0,
        _ => GroupShare,
    };

    public const string Usage = """
        akkachat-loadtest <scenario> --url http://127.0.0.1:PORT [options]
        akkachat-loadtest report <results-dir> [--primary LABEL] [--ceiling LABEL]
                                   markdown tables from the result JSON files in <results-dir>
                                   (defaults: akkachat and relay when present, else the labels found)

        scenarios
          connect     N authenticated idle sockets; reports connect rate/latency and server RSS per socket
          direct      1:1 messages between friend pairs at a fixed open-loop rate
          group       room messages (rooms of --room-size members) at a fixed open-loop rate
          mixed       direct and group at once (--group-share of the messages go to rooms)
          storm       mixed traffic while a share of sockets is dropped and reconnected (resume via sync)
          find-max    steps the rate up until p99 exceeds --target-p99 or anything is lost

        target and output
          --url URL[,URL...]         http://127.0.0.1:PORT (loopback addresses only); repeat it or
                                     list several nodes of a cluster: sockets are spread over them
                                     round-robin, each reconnecting to its own node; set-up
                                     requests go to the first
          --label NAME               name of the target in reports (akkachat, relay) [target]
          --server-pid PID[,PID...]  sample the server's CPU and RSS from /proc/PID (several: summed);
                                     without it server figures read n/a
          --out FILE                 write the JSON result here
                                     [loadtest-results/<label>-<scenario>-<UTC time>.json]
          --fixture FILE             reuse users, friendships and rooms across runs (created if missing)
          --progress auto|live|plain|none                                   [auto]
          --progress-every S         plain progress: one line every S seconds          [5]
          --protocol seed000|v2|seed003
                                     client protocol: seed000 JSON as the seed sends it; v2
                                     (sync on connect, acks counted with ack latency,
                                     ping every 20s when idle; storm: a reconnecting
                                     socket syncs from its last stream positions); seed003
                                     (golang_im's protobuf: sign, then sendmessage whose
                                     reply is the ack; heartbeat every 20s when idle) [seed000]
          --transport ws|tcp         seed003: binary WebSocket messages on /ws, or the node's
                                     TCP edge (4-byte big-endian length frames)       [ws]
          --tcp-port PORT[,PORT...]  --transport tcp: each --url's node's TCP port
                                     (its AKKACHAT_TCP_PORT), in the same order
        load
          --duration S               seconds of traffic, or of holding idle sockets    [30]
          --rate N                   messages/s offered, open loop (find-max: first step) [1000]
          --users N                  users                                            [400]
          --sockets N                total sockets over the users (connect: [10000]; else one per user)
          --room-size N              members per room                                 [100]
          --rooms N                  rooms                              [users / room-size]
          --group-share F            mixed/storm: share of messages sent to rooms     [0.5]
          --message-bytes N          content size (probe + padding)                   [64]
          --max-socket-rate N        messages/s one socket may send (server allows 50) [40]
          --max-user-rate N          messages/s one user may send over all its sockets
                                     (AkkaChat allows twice the socket rate per user) [90]
          --verify                   check each sent message reached every expected socket exactly once
                                     (v2: also that every sent message was acked)
          --warmup S                 seconds of unmeasured traffic before measuring   [3]
          --drain S                  at most this long to wait for late deliveries    [10]
        storm
          --storm-share F            share of sockets dropped per round               [0.2]
          --storm-every S            seconds between rounds                           [5]
          --storm-down S             seconds a dropped socket stays away              [1]
        find-max
          --find-max-mode direct|group                                              [direct]
          --target-p99 MS            p99 limit of a passing step                      [50]
          --step-factor F            rate multiplier per step                         [1.5]
          --step-seconds S           seconds per step                                 [10]
          --max-steps N                                                             [12]
          --refine N                 then bisect between the last passing and the
                                     first failing rate N times                       [3]
                                     (a step above what --users and --max-socket-rate
                                     allow is measured once at that cap, then stops)
        setup
          --source-addresses N       bind sockets to 127.0.0.2 .. 127.0.0.(N+1)       [8]
          --register-parallelism N   concurrent registrations (PBKDF2 on the server)  [4]
          --setup-parallelism N      concurrent friend/room requests                  [16]
          --connect-parallelism N    concurrent socket handshakes                     [64]
          --connect-timeout S        per-handshake timeout                            [15]
        """;

    /// <summary>Parses <c>scenario --name value ...</c>; throws <see cref="ArgumentException"/> with a clear reason.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new ArgumentException("missing scenario");
        var scenario = ParseScenario(args[0]);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal) { "--verify" };
        // Given more than once, these accumulate as one comma-separated list.
        var lists = new HashSet<string>(StringComparer.Ordinal) { "--url", "--server-pid", "--tcp-port" };
        void Set(string name, string value) =>
            values[name] = lists.Contains(name) && values.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{arg}'");
            var eq = arg.IndexOf('=');
            if (eq > 0)
            {
                Set(arg[..eq], arg[(eq + 1)..]);
            }
            else if (flags.Contains(arg))
            {
                values[arg] = "true";
            }
            else
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"{arg} needs a value");
                Set(arg, args[++i]);
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        string? Str(string name)
        {
            used.Add(name);
            return values.GetValueOrDefault(name);
        }
        double Num(string name, double fallback, double min, double max)
        {
            var s = Str(name);
            if (s is null) return fallback;
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new ArgumentException($"{name} must be a number from {min} to {max}, not '{s}'");
            return v;
        }
        int Int(string name, int fallback, int min, int max)
        {
            var v = Num(name, fallback, min, max);
            return v == Math.Floor(v) ? (int)v : throw new ArgumentException($"{name} must be a whole number");
        }
        int? OptInt(string name, int min, int max) => Str(name) is null ? null : Int(name, 0, min, max);

        var urls = (Str("--url") ?? throw new ArgumentException("--url is required (e.g. --url http://127.0.0.1:8080)"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(LoopbackTarget.Validate).Distinct().ToList();
        if (urls.Count == 0) throw new ArgumentException("--url needs at least one URL");
        var pids = (Str("--server-pid") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
                ? pid
                : throw new ArgumentException($"--server-pid must be process ids, not '{p}'"))
            .Distinct().ToList();
        var tcpPorts = (Str("--tcp-port") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw new ArgumentException($"--tcp-port must be TCP ports (1 to 65535), not '{p}'"))
            .ToList();
        var options = new LoadOptions
        {
            Scenario = scenario,
            Url = urls[0],
            Urls = urls,
            DurationSeconds = Num("--duration", 30, 1, 86_400),
            Rate = Num("--rate", 1000, 1, 10_000_000),
            Users = Int("--users", 400, 2, 1_000_000),
            RoomSize = Int("--room-size", 100, 2, 100_000),
            Rooms = OptInt("--rooms", 1, 100_000),
            Sockets = OptInt("--sockets", 1, 1_000_000),
            GroupShare = Num("--group-share", 0.5, 0, 1),
            MessageBytes = Int("--message-bytes", 64, 48, 60_000),
            Verify = Str("--verify") == "true",
            DrainSeconds = Num("--drain", 10, 0, 600),
            WarmupSeconds = Num("--warmup", 3, 0, 600),
            ServerPids = pids,
            OutFile = Str("--out") ?? DefaultOutFile(Str("--label") ?? "target", scenario, DateTimeOffset.UtcNow),
            FixtureFile = Str("--fixture"),
            Label = Str("--label") ?? "target",
            Protocol = Str("--protocol") ?? "seed000",
            Transport = Str("--transport") ?? "ws",
            TcpPorts = tcpPorts,
            SourceAddresses = Int("--source-addresses", 8, 1, 250),
            RegisterParallelism = Int("--register-parallelism", 4, 1, 256),
            SetupParallelism = Int("--setup-parallelism", 16, 1, 1024),
            ConnectParallelism = Int("--connect-parallelism", 64, 1, 4096),
            ConnectTimeoutSeconds = Num("--connect-timeout", 15, 1, 600),
            MaxSocketRate = Num("--max-socket-rate", 40, 0.1, 100_000),
            MaxUserRate = Num("--max-user-rate", 90, 0.1, 1_000_000),
            Progress = Str("--progress") is { } p
                ? Enum.TryParse<ProgressMode>(p, ignoreCase: true, out var mode) ? mode : throw new ArgumentException("--progress must be auto, live, plain or none")
                : ProgressMode.Auto,
            ProgressEverySeconds = Int("--progress-every", 5, 1, 3600),
            StormShare = Num("--storm-share", 0.2, 0.01, 1),
            StormEverySeconds = Num("--storm-every", 5, 0.5, 3600),
            StormDownSeconds = Num("--storm-down", 1, 0, 3600),
            TargetP99Ms = Num("--target-p99", 50, 0.1, 600_000),
            StepFactor = Num("--step-factor", 1.5, 1.01, 100),
            StepSeconds = Num("--step-seconds", 10, 1, 3600),
            MaxSteps = Int("--max-steps", 12, 1, 100),
            RefineSteps = Int("--refine", 3, 0, 20),
            FindMaxMode = Str("--find-max-mode") switch
            {
                null or "direct" => Scenario.Direct,
                "group" => Scenario.Group,
                var m => throw new ArgumentException($"--find-max-mode must be direct or group, not '{m}'"),
            },
        };
        var unknown = values.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown)}");
        if (options.Protocol == "v1") throw new ArgumentException("--protocol v1 is now called seed000 (the seed-000 JSON protocol): use --protocol seed000");
        if (options.Protocol is not ("seed000" or "v2" or "seed003"))
            throw new ArgumentException($"--protocol must be seed000 (the seed-000 JSON), v2 (acks and resume) or seed003 (golang_im's protobuf), not '{options.Protocol}'");
        options.Check();
        return options;
    }

    /// <summary>Where a run's JSON result goes without <c>--out</c>: kept, so that <c>report</c> can read it later.</summary>
    public static string DefaultOutFile(string label, Scenario scenario, DateTimeOffset at)
    {
        var safeLabel = string.Concat(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return Path.Combine("loadtest-results", Inv($"{safeLabel}-{Name(scenario)}-{at.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.json"));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public static Scenario ParseScenario(string name) => name switch
    {
        "connect" => Scenario.Connect,
        "direct" => Scenario.Direct,
        "group" => Scenario.Group,
        "mixed" => Scenario.Mixed,
        "storm" => Scenario.Storm,
        "find-max" => Scenario.FindMax,
        _ => throw new ArgumentException($"unknown scenario '{name}'"),
    };

    public static string Name(Scenario scenario) => scenario == Scenario.FindMax ? "find-max" : scenario.ToString().ToLowerInvariant();

    private void Check()
    {
        if (Transport is not ("ws" or "tcp")) throw new ArgumentException($"--transport must be ws or tcp, not '{Transport}'");
        if (Transport == "tcp" && Protocol != "seed003") throw new ArgumentException($"--transport tcp needs --protocol seed003: only seed-003 frames travel on the TCP edge ({Protocol} is WebSocket only)");
        if (Transport == "tcp" && TcpPorts.Count != Urls.Count)
            throw new ArgumentException(TcpPorts.Count == 0
                ? "--transport tcp needs --tcp-port (the node's AKKACHAT_TCP_PORT)"
                : $"--tcp-port names {TcpPorts.Count} port(s) for {Urls.Count} --url node(s): give one per node, in the same order");
        if (Transport != "tcp" && TcpPorts.Count > 0) throw new ArgumentException("--tcp-port is only for --transport tcp");
        if (Scenario == Scenario.Storm && Protocol == "seed003")
            throw new ArgumentException("storm is not for seed003: its sockets do not resume (sync pages history by conversation), so a dropped socket's pushes are simply missed; use direct, group, mixed or find-max");
        if (TotalSockets < Users) throw new ArgumentException($"--sockets ({TotalSockets}) must be at least --users ({Users}): every user gets a socket");
        if (Traffic.Direct && Users % 2 != 0) throw new ArgumentException("direct traffic pairs users up: --users must be even");
        if (Traffic.Group && RoomSize > Users) throw new ArgumentException($"--room-size ({RoomSize}) cannot exceed --users ({Users})");
        if (Scenario == Scenario.Storm && Protocol == "seed000" && TotalSockets != Users)
            throw new ArgumentException("storm on seed000 needs one socket per user (--sockets = --users): the seed-000 protocol only replays a user's backlog when all of its sockets were offline (v2 sockets resume each on its own)");
    }
}
