namespace AkkaChat.LoadTest.Scenarios;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AkkaChat.LoadTest.Api;
using AkkaChat.LoadTest.Cli;
using AkkaChat.LoadTest.Fixtures;
using AkkaChat.LoadTest.Measurement;
using AkkaChat.LoadTest.Protocol;
using AkkaChat.LoadTest.Reporting;
using AkkaChat.LoadTest.Sockets;

/// <summary>
/// Runs one scenario end to end: fixture (users, friends, rooms), sockets, traffic, drain, verification, report.
/// Every stage is bounded: loops by count or time, waits by timeouts, and the whole run by a deadline.
/// </summary>
public sealed class ScenarioRunner : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SyncSettle = TimeSpan.FromSeconds(1);

    private readonly LoadOptions _o;
    private readonly MessageLedger _ledger = new();
    private readonly uint _run = (uint)Random.Shared.Next();
    private readonly IClientProtocol _protocol;
    private readonly TrafficHandler _handler;
    private readonly ChatApiClient _api;
    private readonly SocketConnector _connector;
    private readonly ProgressView _view;
    private readonly ProcessSampler? _server;
    private readonly ProcessSampler _self = ProcessSampler.Self();
    private readonly CancellationTokenSource _cts = new();
    private readonly RunResult _result;
    private Population? _population;

    private ScenarioRunner(LoadOptions o, string commandLine)
    {
        _o = o;
        _protocol = o.Protocol switch
        {
            "v2" => new V2Protocol(_run),
            "seed003" => new Seed003Protocol(_run, o.Transport == "tcp" ? FrameTransport.Tcp : FrameTransport.WebSocketBinary),
            _ => new Seed000Protocol(),
        };
        _handler = new TrafficHandler(_protocol, _ledger, _run, o.MessageBytes);
        _api = new ChatApiClient(o.Url, Math.Max(o.RegisterParallelism, o.SetupParallelism));
        _connector = new SocketConnector(o.Url, o.SourceAddresses);
        _view = new ProgressView(o.Progress, o.ProgressEverySeconds);
        _server = o.ServerPids.Count > 0 ? new ProcessSampler(o.ServerPids) : null;
        // The whole run is bounded: setup allowance plus every traffic second the options ask for.
        var traffic = o.Scenario == Scenario.FindMax ? (o.MaxSteps + o.RefineSteps) * 2 * (o.StepSeconds + o.DrainSeconds + 2) : o.DurationSeconds + o.DrainSeconds;
        _cts.CancelAfter(TimeSpan.FromSeconds(3600 + o.WarmupSeconds + traffic));
        _result = new RunResult
        {
            Scenario = LoadOptions.Name(o.Scenario),
            Label = o.Label,
            Protocol = _protocol.Name,
            Url = string.Join(",", o.Urls),
            StartedAt = DateTimeOffset.UtcNow,
            CommandLine = commandLine,
            Settings = new RunSettings(o.Rate, o.DurationSeconds, o.Users, o.TotalSockets, o.RoomSize, o.Traffic.Group ? o.RoomCount : 0,
                o.EffectiveGroupShare, o.MessageBytes, o.Verify, o.SourceAddresses),
        };
    }

    private CancellationToken Ct => _cts.Token;

    public static async Task<int> RunAsync(LoadOptions o, string commandLine)
    {
        await using var runner = new ScenarioRunner(o, commandLine);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            runner._cts.Cancel();
        };
        return await runner.ExecuteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_population is not null) await CloseAllAsync();
        _connector.Dispose();
        _api.Dispose();
        _cts.Dispose();
    }

    private async Task<int> ExecuteAsync()
    {
        var wall = Stopwatch.StartNew();
        _result.Machine.LoadAverageStart = ProcessSampler.LoadAverage();
        CheckLimits();
        ProgressView.Log($"{_result.Scenario} against {_o.Label} at {string.Join(", ", _o.Urls)} (protocol {_protocol.Name}, run {_run:x8}, load average {_result.Machine.LoadAverageStart})");

        var fixture = await PrepareFixtureAsync();
        _population = Population.Build(fixture, _o, _protocol);

        switch (_o.Scenario)
        {
            case Scenario.Connect:
                await RunConnectAsync();
                break;
            case Scenario.FindMax:
                await ConnectForTrafficAsync();
                await RunFindMaxAsync();
                break;
            default:
                await ConnectForTrafficAsync();
                await RunTrafficAsync(storm: _o.Scenario == Scenario.Storm);
                break;
        }

        _result.Machine.LoadAverageEnd = ProcessSampler.LoadAverage();
        _result.WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 1);
        Verify();
        _result.Limits = LimitAnalysis.Explain(_result);
        Summary.Print(_result);
        if (_o.OutFile is { } path)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(_result, RunResult.Json));
            ProgressView.Log($"result written to {path}");
        }
        return _o.Verify && !_result.Verify.Passed ? 2 : 0;
    }

    /// <summary>Refuses runs that cannot work here: too few file descriptors, a server pid that does not exist.</summary>
    private void CheckLimits()
    {
        if (_server is { Exists: false }) throw new ArgumentException($"--server-pid {_server.Pid}: no such process");
        const int Headroom = 256;
        var mine = _self.OpenFilesLimit();
        if (mine is { } m && _o.TotalSockets + Headroom > m)
            throw new ArgumentException($"{_o.TotalSockets} sockets need more open files than this process may have ({m}); raise `ulimit -n` (the hard limit needs root or a container started with a larger nofile limit)");
        var theirs = _server?.OpenFilesLimit();
        if (theirs is { } t && _o.TotalSockets + Headroom > t)
            throw new ArgumentException($"{_o.TotalSockets} sockets need more open files than the server (pid {_server!.Pid}) may have ({t}); start it with a higher `ulimit -n`");
    }

    private async Task<Fixture> PrepareFixtureAsync()
    {
        var fixture = _o.FixtureFile is { } path ? Fixture.Load(path) : null;
        if (fixture is not null)
        {
            var usable = fixture.Target == _o.Url.ToString() && fixture.Users.Count > 0
                && await _api.TokenWorksAsync(fixture.Users[0].Token, fixture.Users[0].Id, Ct);
            if (!usable)
            {
                ProgressView.Log($"fixture {_o.FixtureFile} belongs to another server (or its tokens expired): starting a new one");
                fixture = null;
            }
            else
            {
                ProgressView.Log($"reusing fixture {_o.FixtureFile}: {fixture.Users.Count} users, {fixture.Friendships.Count} friendships, {fixture.Rooms.Count} rooms");
            }
        }
        fixture ??= Fixture.New(_o.Url);
        var builder = new FixtureBuilder(_api, ProgressView.Log, _o.RegisterParallelism, _o.SetupParallelism);
        await builder.EnsureAsync(fixture, new FixtureNeeds(_o.Users, _o.Traffic.Direct, Population.RoomMembers(_o)), _o.FixtureFile, Ct);
        _result.Setup.UsersRegistered = builder.Registered;
        _result.Setup.RegisterSeconds = Math.Round(builder.RegisterTime.TotalSeconds, 2);
        _result.Setup.LinkSeconds = Math.Round(builder.LinkTime.TotalSeconds, 2);
        return fixture;
    }

    // ---- sockets ----

    /// <summary>Socket i always connects to node i mod N: a reconnect (storm) returns to the node it left, as a client behind a sticky balancer would.</summary>
    private Task<TimeSpan> Connect(SimulatedSocket s) =>
        s.ConnectAsync(_o.Urls[s.Index % _o.Urls.Count], _o.TcpPorts.Count > 0 ? _o.TcpPorts[s.Index % _o.TcpPorts.Count] : 0, _connector, _handler,
            TimeSpan.FromSeconds(_o.ConnectTimeoutSeconds), Ct);

    /// <summary>Opens every socket (bounded parallelism, one retry each) while showing progress.</summary>
    private async Task ConnectAllAsync()
    {
        var sockets = _population!.Sockets;
        var latency = new LatencyTrack();
        var errors = new ConcurrentDictionary<string, int>();
        var failures = 0;
        ProgressView.Log($"opening {sockets.Length:N0} sockets ({sockets.Length / _o.Users} to {(sockets.Length + _o.Users - 1) / _o.Users} per user) from {_connector.Sources.Count} source addresses, {_o.ConnectParallelism} at a time");
        var watch = Stopwatch.StartNew();
        var connecting = Parallel.ForEachAsync(sockets, new ParallelOptions { MaxDegreeOfParallelism = _o.ConnectParallelism, CancellationToken = Ct }, async (s, _) =>
        {
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                try
                {
                    latency.Record((await Connect(s)).Ticks / 10);
                    return;
                }
                catch (Exception e) when (!Ct.IsCancellationRequested)
                {
                    if (attempt < 2) continue;
                    Interlocked.Increment(ref failures);
                    var reason = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
                    errors.AddOrUpdate(reason.Length > 160 ? reason[..160] : reason, 1, (_, n) => n + 1);
                }
            }
        });
        var monitor = new Monitor(this, null);
        await _view.RunAsync(() => monitor.Sample("connect", watch.Elapsed.TotalSeconds, null), connecting, Tick);
        await connecting;
        var opened = sockets.Length - failures;
        _result.Setup.SocketsOpened = opened;
        _result.Setup.ConnectFailures = failures;
        _result.Setup.ConnectSeconds = Math.Round(watch.Elapsed.TotalSeconds, 2);
        _result.Setup.ConnectsPerSecond = Math.Round(opened / Math.Max(0.001, watch.Elapsed.TotalSeconds), 1);
        _result.Setup.ConnectLatencyMs = latency.Summary();
        _result.Setup.ConnectErrors = [.. errors.OrderByDescending(e => e.Value).Take(5).Select(e => $"{e.Value}× {e.Key}")];
        ProgressView.Log($"opened {opened:N0} sockets in {watch.Elapsed.TotalSeconds:F1}s ({_result.Setup.ConnectsPerSecond:N0}/s, handshake p99 {_result.Setup.ConnectLatencyMs.P99} ms), {failures} failed");
        foreach (var e in _result.Setup.ConnectErrors) ProgressView.Log($"  connect error: {e}");
    }

    private async Task ConnectForTrafficAsync()
    {
        await ConnectAllAsync();
        if (_result.Setup.ConnectFailures > 0)
            throw new InvalidOperationException($"{_result.Setup.ConnectFailures} sockets could not connect; traffic needs every socket of its audiences");
        // Lets each socket's initial sync (backlog, room catch-up) finish before anything is sent.
        await Task.Delay(SyncSettle, Ct);
        if (_handler.Stale + _handler.Foreign > 0)
            ProgressView.Log($"initial sync: {_handler.Stale:N0} messages of earlier runs ({_handler.StaleRoom:N0} of them room messages) and {_handler.Foreign:N0} other messages arrived; they are not counted");
    }

    private async Task CloseAllAsync()
    {
        var sockets = _population!.Sockets;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await Parallel.ForEachAsync(sockets, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = cts.Token }, async (s, _) => await s.CloseAsync(CloseTimeout));
        }
        catch (OperationCanceledException)
        {
            foreach (var s in sockets) s.Abort();
        }
        _population = null;
    }

    // ---- scenarios ----

    private async Task RunConnectAsync()
    {
        var before = _server?.Read();
        var selfBefore = _self.Read();
        await ConnectAllAsync();
        var connected = _server?.Read();
        var holdStart = new Readings(this);
        ProgressView.Log($"holding {_result.Setup.SocketsOpened:N0} idle sockets for {_o.DurationSeconds:F0}s");
        var hold = Stopwatch.StartNew();
        var holding = Task.Delay(TimeSpan.FromSeconds(_o.DurationSeconds), Ct);
        var monitor = new Monitor(this, null);
        await _view.RunAsync(() => monitor.Sample("hold", hold.Elapsed.TotalSeconds, _o.DurationSeconds), holding, Tick);
        await holding;
        var end = new Readings(this);
        var self = _self.Read();
        _result.Connect = new ConnectResult
        {
            Requested = _population!.Sockets.Length,
            Open = _result.Setup.SocketsOpened,
            OpenAtEnd = _population.OpenCount,
            HoldSeconds = Math.Round(hold.Elapsed.TotalSeconds, 1),
            ServerRssBeforeMiB = before is { } b0 ? Mib(b0.RssBytes) : null,
            ServerRssAfterMiB = end.Server is { } e0 ? Mib(e0.RssBytes) : null,
            ServerRssPerSocketKiB = before is { } b && end.Server is { } e && _result.Setup.SocketsOpened > 0
                ? Math.Round((e.RssBytes - b.RssBytes) / 1024.0 / _result.Setup.SocketsOpened, 2)
                : null,
            GeneratorRssMiB = Mib(self?.RssBytes),
            ClientOpenFilesLimit = _self.OpenFilesLimit(),
            ServerOpenFilesLimit = _server?.OpenFilesLimit(),
        };
        _result.Traffic = new TrafficResult
        {
            ClosedByServer = _handler.ClosedByServer,
            CloseReasons = new Dictionary<string, long>(_handler.CloseReasons),
            ErrorFrames = new Dictionary<string, long>(_handler.Errors),
            Stale = _handler.Stale,
            Foreign = _handler.Foreign,
        };
        // CPU over the connect + hold; RSS from before the first socket to the end.
        Resources(new Readings(before, selfBefore, holdStart.Machine), end);
        if (connected is { } c) _result.Server!.RssPeakMiB = Math.Max(_result.Server.RssPeakMiB, Mib(c.RssBytes));
    }

    private async Task RunTrafficAsync(bool storm)
    {
        CheckSocketRate(_o.Rate);
        await WarmUpAsync(_o.Rate);
        var phase = new PhaseStats(0, _o.Rate);
        var start = new Readings(this);
        ProgressView.Log($"sending {_o.Rate:N0} msgs/s for {_o.DurationSeconds:F0}s ({Mix()}) over {_population!.Sockets.Length:N0} sockets{(storm ? $"; storm: {_o.StormShare:P0} of sockets dropped every {_o.StormEverySeconds}s for {_o.StormDownSeconds}s" : "")}");
        var driver = StartDriver(phase, _o.Rate, TimeSpan.FromSeconds(_o.DurationSeconds));
        StormController? controller = null;
        Task stormTask = Task.CompletedTask;
        if (storm)
        {
            controller = new StormController(_population, Connect, _o.StormShare, TimeSpan.FromSeconds(_o.StormEverySeconds), TimeSpan.FromSeconds(_o.StormDownSeconds), _o.ConnectParallelism);
            stormTask = controller.RunAsync(driver, Ct);
        }
        var monitor = new Monitor(this, phase);
        var watch = Stopwatch.StartNew();
        await _view.RunAsync(() => monitor.Sample("traffic", watch.Elapsed.TotalSeconds, _o.DurationSeconds), driver, Tick);
        await driver;
        await stormTask;
        var drained = await DrainAsync(phase, monitor);
        var end = new Readings(this);
        _result.Traffic = Traffic(phase, drained);
        _result.Storm = controller?.Result();
        Resources(start, end);
    }

    private async Task RunFindMaxAsync()
    {
        var findMax = new FindMaxResult { Mode = LoadOptions.Name(_o.FindMaxMode), TargetP99Ms = _o.TargetP99Ms };
        _result.FindMax = findMax;
        var rate = _o.Rate;
        CheckSocketRate(rate);
        await WarmUpAsync(rate);
        TrafficResult? best = null, first = null;
        (Readings Start, Readings End)? bestWindow = null, firstWindow = null;
        double? failedRate = null;
        double? capRate = null;
        for (var step = 0; step < _o.MaxSteps && !Ct.IsCancellationRequested; step++)
        {
            if (RateProblem(rate) is { } problem)
            {
                // The next step is above what the sockets may send: measure the highest rate they allow once, so the
                // result is that cap (a lower bound of the server's ceiling) rather than the last step below it.
                var cap = RateCap();
                if (capRate is not null || cap <= findMax.MaxPassingRate)
                {
                    findMax.StopReason = $"the harness's sockets cap the rate: {problem}; add --users";
                    break;
                }
                capRate = rate = cap;
            }
            var (traffic, start, end, passed, verdict) = await MeasureStepAsync(findMax, step, rate, refining: false);
            first ??= traffic;
            firstWindow ??= (start, end);
            if (!passed)
            {
                findMax.StopReason = verdict;
                failedRate = rate;
                break;
            }
            findMax.MaxPassingRate = rate;
            best = traffic;
            bestWindow = (start, end);
            rate = Math.Round(rate * _o.StepFactor);
        }
        // The steps grow by --step-factor, so the ceiling lies anywhere between the last passing and the first failing
        // rate; bisecting that gap (geometrically) a few times pins it down to a few percent.
        for (var refine = 0; refine < _o.RefineSteps && best is not null && failedRate is { } failed && !Ct.IsCancellationRequested; refine++)
        {
            var mid = Math.Round(Math.Sqrt(findMax.MaxPassingRate * failed));
            if (mid <= findMax.MaxPassingRate || mid >= failed || RateProblem(mid) is not null) break;
            var (traffic, start, end, passed, _) = await MeasureStepAsync(findMax, findMax.Steps.Count, mid, refining: true);
            if (passed)
            {
                findMax.MaxPassingRate = mid;
                best = traffic;
                bestWindow = (start, end);
            }
            else
            {
                failedRate = mid;
            }
        }
        if (failedRate is { } lowestFailing && best is not null && findMax.Steps.Any(s => s.Refinement))
            findMax.StopReason += $"; refined: {findMax.MaxPassingRate:N0} passes, {lowestFailing:N0} fails";
        if (findMax.StopReason.Length == 0 && capRate is { } passedCap && passedCap == findMax.MaxPassingRate)
            findMax.StopReason = $"passed at the cap of the harness's sockets ({passedCap:N0} msgs/s, a lower bound of the server's ceiling); add --users";
        if (findMax.StopReason.Length == 0) findMax.StopReason = Ct.IsCancellationRequested ? "cancelled" : $"reached --max-steps {_o.MaxSteps} with every step passing";
        _result.Traffic = best ?? first;
        if ((bestWindow ?? firstWindow) is { } window) Resources(window.Start, window.End);
    }

    /// <summary>Runs one find-max step (repeating a latency failure once: it may be a stall of the shared machine) and records it.</summary>
    private async Task<(TrafficResult Traffic, Readings Start, Readings End, bool Passed, string Verdict)> MeasureStepAsync(FindMaxResult findMax, int step, double rate, bool refining)
    {
        var (traffic, start, end, passed, verdict) = await RunStepAsync(step, rate);
        if (!passed && verdict.StartsWith("p99", StringComparison.Ordinal) && traffic.LostDeliveries == 0)
        {
            ProgressView.Log($"step {step + 1}: {verdict}; repeating it once to rule out a passing stall");
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            (traffic, start, end, passed, verdict) = await RunStepAsync(step, rate);
            verdict = passed ? "pass (on the repeat)" : verdict + " (twice)";
        }
        if (refining) verdict = "refine: " + verdict;
        double? cpu = end.Server is { } se && start.Server is { } ss ? ProcessSampler.CpuPercent(ss, se) : null;
        findMax.Steps.Add(new FindMaxStep(rate, traffic.MessagesPerSecond, traffic.DeliveriesPerSecond, traffic.LatencyMs, traffic.LostDeliveries, traffic.Duplicates,
            traffic.NotSent + traffic.SendFailed, traffic.SendLagMs.P99, cpu, passed, verdict, refining));
        ProgressView.Log($"step {step + 1}: {traffic.MessagesPerSecond:N0} msgs/s, {traffic.DeliveriesPerSecond:N0} deliveries/s, p99 {traffic.LatencyMs.P99} ms, lost {traffic.LostDeliveries}, server CPU {(cpu is { } c ? $"{c:F0}%" : "n/a")}: {verdict}");
        // A short pause so one step's backlog does not count against the next.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        return (traffic, start, end, passed, verdict);
    }

    private async Task<(TrafficResult Traffic, Readings Start, Readings End, bool Passed, string Verdict)> RunStepAsync(int step, double rate)
    {
        var phase = new PhaseStats(step, rate);
        var start = new Readings(this);
        ProgressView.Log($"step {step + 1}: {rate:N0} msgs/s for {_o.StepSeconds:F0}s");
        var driver = StartDriver(phase, rate, TimeSpan.FromSeconds(_o.StepSeconds));
        var monitor = new Monitor(this, phase);
        var watch = Stopwatch.StartNew();
        await _view.RunAsync(() => monitor.Sample($"step {step + 1}", watch.Elapsed.TotalSeconds, _o.StepSeconds), driver, Tick);
        await driver;
        var drained = await DrainAsync(phase, monitor);
        var end = new Readings(this);
        var traffic = Traffic(phase, drained);
        var (passed, verdict) = Judge(traffic);
        return (traffic, start, end, passed, verdict);
    }

    private (bool Passed, string Verdict) Judge(TrafficResult t)
    {
        if (t.LostDeliveries > 0) return (false, $"lost {t.LostDeliveries} deliveries");
        if (t.Duplicates + t.Unexpected + t.Misattributed + t.Echoes > 0) return (false, "wrong deliveries (duplicates, echoes or misrouted)");
        if (t.NotSent + t.SendFailed > 0) return (false, $"{t.NotSent + t.SendFailed} messages could not be sent (generator backlog or socket failures)");
        if (t.Unacked is > 0) return (false, $"{t.Unacked} sent messages were never acked");
        if (t.ErrorFrames.Count > 0) return (false, "error frames: " + string.Join(", ", t.ErrorFrames.Select(e => $"{e.Key}×{e.Value}")));
        if (t.LatencyMs.P99 > _o.TargetP99Ms)
        {
            return t.SendLagMs.P99 > _o.TargetP99Ms / 2
                ? (false, $"p99 {t.LatencyMs.P99} ms > {_o.TargetP99Ms} ms, with the generator {t.SendLagMs.P99} ms behind its schedule at p99")
                : (false, $"p99 {t.LatencyMs.P99} ms > {_o.TargetP99Ms} ms");
        }
        if (t.MessagesPerSecond < t.OfferedRate * 0.9) return (false, $"only {t.MessagesPerSecond:N0} of {t.OfferedRate:N0} msgs/s were sent");
        return (true, "pass");
    }

    // ---- traffic plumbing ----

    private string Mix() => _o.EffectiveGroupShare switch
    {
        0 => "1:1 between friend pairs",
        1 => $"room messages, {_o.RoomCount} rooms of {_o.RoomSize}",
        var g => $"{1 - g:P0} 1:1, {g:P0} to {_o.RoomCount} rooms of {_o.RoomSize}",
    };

    private double PerSocketRate(double rate)
    {
        var group = rate * _o.EffectiveGroupShare;
        var direct = rate - group;
        var perDirect = direct / _population!.Sockets.Length;
        var perGroup = _population.RoomSenders.Length == 0 ? 0 : _population.RoomSenders.Max(s => group / _population.RoomSenders.Length / s.Length);
        return perDirect + perGroup;
    }

    private void CheckSocketRate(double rate)
    {
        if (RateProblem(rate) is { } problem) throw new ArgumentException(problem + ": add --users (or --sockets)");
    }

    /// <summary>The highest rate (msgs/s, rounded down) that stays within both the per-socket and the per-user limit.</summary>
    private double RateCap()
    {
        var perSocket = PerSocketRate(1);
        var perUser = perSocket * Math.Ceiling((double)_o.TotalSockets / _o.Users);
        return Math.Floor(Math.Min(_o.MaxSocketRate / perSocket, _o.MaxUserRate / perUser));
    }

    /// <summary>Why <paramref name="rate"/> would hit the server's per-socket or per-user rate limit, or null.</summary>
    private string? RateProblem(double rate)
    {
        var perSocket = PerSocketRate(rate);
        if (perSocket > _o.MaxSocketRate)
            return $"{rate:N0} msgs/s is {perSocket:F1} msgs/s per socket, above --max-socket-rate {_o.MaxSocketRate} (AkkaChat allows 50 per socket)";
        var perUser = perSocket * Math.Ceiling((double)_o.TotalSockets / _o.Users);
        if (perUser > _o.MaxUserRate)
            return $"{rate:N0} msgs/s is {perUser:F1} msgs/s per user over its sockets, above --max-user-rate {_o.MaxUserRate} (AkkaChat allows twice the socket rate per user)";
        return null;
    }

    private Task StartDriver(PhaseStats phase, double rate, TimeSpan duration)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = new OpenLoopDriver(_population!, _ledger);
        var thread = new Thread(() =>
        {
            try
            {
                driver.Run(phase, rate, _o.EffectiveGroupShare, duration, Ct);
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop driver",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// Unmeasured traffic at the first rate: JIT, connection pools and cold entities (recovery on the first message)
    /// would otherwise land in the first seconds of the measured percentiles.
    /// </summary>
    private async Task WarmUpAsync(double rate)
    {
        if (_o.WarmupSeconds <= 0) return;
        ProgressView.Log($"warm-up: {rate:N0} msgs/s for {_o.WarmupSeconds:F0}s (not measured)");
        var phase = new PhaseStats(-1, rate);
        var driver = StartDriver(phase, rate, TimeSpan.FromSeconds(_o.WarmupSeconds));
        var monitor = new Monitor(this, phase);
        var watch = Stopwatch.StartNew();
        await _view.RunAsync(() => monitor.Sample("warm-up", watch.Elapsed.TotalSeconds, _o.WarmupSeconds), driver, Tick);
        await driver;
        await DrainAsync(phase, monitor);
    }

    /// <summary>Waits, at most <c>--drain</c> seconds, until every queued message is sent and every expected delivery arrived.</summary>
    private async Task<double> DrainAsync(PhaseStats phase, Monitor monitor)
    {
        var watch = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(_o.DrainSeconds);
        bool Settled() =>
            Volatile.Read(ref phase.Scheduled) - Volatile.Read(ref phase.Sent) - Volatile.Read(ref phase.SendFailed) - Volatile.Read(ref phase.NotSent) <= 0
            && Volatile.Read(ref phase.Delivered) >= Volatile.Read(ref phase.ExpectedDeliveries)
            && (!_protocol.HasAcks || Volatile.Read(ref phase.Acked) + Volatile.Read(ref phase.Refused) >= Volatile.Read(ref phase.Sent));
        var drained = Task.Run(async () =>
        {
            while (!Settled() && watch.Elapsed < limit && !Ct.IsCancellationRequested) await Task.Delay(20);
        });
        await _view.RunAsync(() => monitor.Sample("drain", watch.Elapsed.TotalSeconds, _o.DrainSeconds), drained, Tick);
        await drained;
        return watch.Elapsed.TotalSeconds;
    }

    private TrafficResult Traffic(PhaseStats phase, double drainSeconds)
    {
        var (lostDeliveries, lostMessages, _, unacked, ackedNotDelivered) = _ledger.Audit(phase);
        var window = Stopwatch.GetElapsedTime(phase.StartTicks, phase.EndTicks).TotalSeconds;
        var lastDelivery = Volatile.Read(ref _handler.LastDeliveryTicks);
        var deliveryWindow = lastDelivery > phase.StartTicks ? Stopwatch.GetElapsedTime(phase.StartTicks, lastDelivery).TotalSeconds : window;
        var hasDirect = _o.EffectiveGroupShare < 1;
        var hasGroup = _o.EffectiveGroupShare > 0;
        return new TrafficResult
        {
            OfferedRate = phase.OfferedRate,
            DurationSeconds = Math.Round(window, 2),
            Scheduled = phase.Scheduled,
            Sent = phase.Sent,
            SendFailed = phase.SendFailed,
            NotSent = phase.NotSent + phase.NoSender,
            Acked = _protocol.HasAcks ? phase.Acked : null,
            Unacked = _protocol.HasAcks ? unacked : null,
            AckedNotDelivered = _protocol.HasAcks ? ackedNotDelivered : null,
            Refused = _protocol.HasAcks ? phase.Refused : null,
            DuplicateAcks = _protocol.HasAcks ? phase.DuplicateAcks : null,
            OwnCopies = _protocol.SenderGetsOwnCopy ? phase.OwnCopies : null,
            DuplicateOwnCopies = _protocol.SenderGetsOwnCopy ? phase.DuplicateOwnCopies : null,
            AckLatencyMs = _protocol.HasAcks ? phase.AckLatency.Summary() : null,
            ExpectedDeliveries = phase.ExpectedDeliveries,
            Delivered = phase.Delivered,
            LostDeliveries = lostDeliveries,
            LostMessages = lostMessages,
            Duplicates = phase.Duplicates,
            Unexpected = phase.Unexpected,
            Echoes = phase.Echoes,
            Misattributed = phase.Misattributed,
            Stale = _handler.Stale,
            StaleRoom = _handler.StaleRoom,
            Foreign = _handler.Foreign,
            ErrorFrames = new Dictionary<string, long>(_handler.Errors),
            ClosedByServer = _handler.ClosedByServer,
            CloseReasons = new Dictionary<string, long>(_handler.CloseReasons),
            MessagesPerSecond = Math.Round(phase.Sent / Math.Max(0.001, window), 1),
            DeliveriesPerSecond = Math.Round(phase.Delivered / Math.Max(0.001, deliveryWindow), 1),
            LatencyMs = LatencySummary.Merge(phase.Direct, phase.Group),
            DirectLatencyMs = hasDirect && hasGroup ? phase.Direct.Summary() : null,
            GroupLatencyMs = hasDirect && hasGroup ? phase.Group.Summary() : null,
            SendLagMs = phase.SendLag.Summary(),
            DrainSeconds = Math.Round(drainSeconds, 2),
        };
    }

    // ---- resources ----

    private sealed class Readings
    {
        public Readings(ScenarioRunner runner)
            : this(runner._server?.Read(), runner._self.Read(), ProcessSampler.ReadMachine())
        {
        }

        public Readings(ProcessReading? server, ProcessReading? self, MachineReading? machine)
        {
            Server = server;
            Self = self;
            Machine = machine;
        }

        public ProcessReading? Server { get; }
        public ProcessReading? Self { get; }
        public MachineReading? Machine { get; }
    }

    private void Resources(Readings start, Readings end)
    {
        if (start.Server is { } s0 && end.Server is { } s1)
        {
            _result.Server = new ResourceResult
            {
                Pid = _server!.Pid,
                Pids = _server.Pids.Count > 1 ? [.. _server.Pids] : null,
                CpuPercent = ProcessSampler.CpuPercent(s0, s1),
                RssStartMiB = Mib(s0.RssBytes),
                RssEndMiB = Mib(s1.RssBytes),
                RssPeakMiB = Mib(s1.PeakRssBytes),
                Threads = s1.Threads,
            };
        }
        if (start.Self is { } g0 && end.Self is { } g1)
        {
            _result.Generator = new ResourceResult
            {
                Pid = Environment.ProcessId,
                CpuPercent = ProcessSampler.CpuPercent(g0, g1),
                RssStartMiB = Mib(g0.RssBytes),
                RssEndMiB = Mib(g1.RssBytes),
                RssPeakMiB = Mib(g1.PeakRssBytes),
                Threads = g1.Threads,
            };
        }
        if (start.Machine is { } m0 && end.Machine is { } m1)
        {
            var (busy, steal) = ProcessSampler.MachinePercent(m0, m1);
            _result.Machine.BusyPercent = busy;
            _result.Machine.StealPercent = steal;
            // Without the server's own figure, "other processes" would silently include the server: not measured then.
            _result.Machine.OtherPercent = _result.Server is { } server
                ? Math.Max(0, Math.Round(busy - server.CpuPercent - (_result.Generator?.CpuPercent ?? 0), 1))
                : null;
        }
    }

    private static double Mib(long? bytes) => bytes is { } b ? Math.Round(b / 1024.0 / 1024.0, 1) : 0;

    // ---- verification ----

    private void Verify()
    {
        var v = _result.Verify;
        v.Requested = _o.Verify;
        var t = _result.Traffic;
        if (t is null) return;
        void Problem(bool bad, string text)
        {
            if (!bad) return;
            v.Problems.Add(text);
            v.Passed = false;
        }
        if (_o.Scenario == Scenario.Connect)
        {
            Problem(_result.Setup.ConnectFailures > 0, $"{_result.Setup.ConnectFailures} sockets failed to connect");
            Problem(_result.Connect is { } c && c.OpenAtEnd < c.Open, $"{(_result.Connect?.Open ?? 0) - (_result.Connect?.OpenAtEnd ?? 0)} sockets were closed during the hold");
            return;
        }
        Problem(t.LostDeliveries > 0, $"{t.LostDeliveries:N0} expected deliveries missing ({t.LostMessages:N0} messages not delivered to every expected socket)");
        Problem(t.Duplicates > 0, $"{t.Duplicates:N0} duplicate deliveries");
        Problem(t.Unexpected > 0, $"{t.Unexpected:N0} deliveries to sockets outside the audience");
        Problem(t.Echoes > 0, $"{t.Echoes:N0} messages echoed to the socket that sent them");
        Problem(t.Misattributed > 0, $"{t.Misattributed:N0} deliveries with the wrong sender");
        if (t.SendFailed + t.NotSent > 0) v.Problems.Add($"{t.SendFailed + t.NotSent:N0} messages were not sent (not verifiable)");
        if (_protocol.HasAcks)
        {
            // v2 promises: every acked message reaches every expected socket exactly once (duplicates are counted above).
            Problem(t.AckedNotDelivered is > 0, $"{t.AckedNotDelivered:N0} acked messages did not reach every expected socket");
            Problem(t.Unacked is > 0, $"{t.Unacked:N0} sent messages were never acked ({t.Refused ?? 0:N0} refused with an error frame)");
            Problem(t.DuplicateAcks is > 0, $"{t.DuplicateAcks:N0} messages acked more than once");
            Problem(t.DuplicateOwnCopies is > 0, $"{t.DuplicateOwnCopies:N0} messages came back to their sending socket more than once");
        }
    }

    /// <summary>Per-second progress: rates over the last interval, interval percentiles, server CPU and RSS.</summary>
    private sealed class Monitor(ScenarioRunner runner, PhaseStats? phase)
    {
        private ProcessReading? _server = runner._server?.Read();
        private ProcessReading? _self = runner._self.Read();
        private long _sent;
        private long _delivered;
        private long _at = Stopwatch.GetTimestamp();

        public ProgressSnapshot Sample(string stage, double elapsed, double? total)
        {
            var now = Stopwatch.GetTimestamp();
            var dt = Math.Max(0.001, Stopwatch.GetElapsedTime(_at, now).TotalSeconds);
            _at = now;
            var server = runner._server?.Read();
            var self = runner._self.Read();
            double? serverCpu = server is { } s1 && _server is { } s0 ? ProcessSampler.CpuPercent(s0, s1) : null;
            var selfCpu = self is { } g1 && _self is { } g0 ? ProcessSampler.CpuPercent(g0, g1) : 0;
            _server = server;
            _self = self;
            long sent = 0, delivered = 0, problems = runner._handler.ClosedByServer + runner._handler.Errors.Values.Sum();
            double p50 = 0, p99 = 0;
            if (phase is not null)
            {
                sent = Volatile.Read(ref phase.Sent);
                delivered = Volatile.Read(ref phase.Delivered);
                problems += phase.Duplicates + phase.Unexpected + phase.Echoes + phase.Misattributed + phase.NotSent + phase.SendFailed + phase.NoSender;
                var interval = LatencyTrack.NewHistogram();
                interval.Add(phase.Direct.Tick());
                interval.Add(phase.Group.Tick());
                if (interval.TotalCount > 0)
                {
                    p50 = interval.GetValueAtPercentile(50) / 1000.0;
                    p99 = interval.GetValueAtPercentile(99) / 1000.0;
                }
            }
            var snapshot = new ProgressSnapshot(stage, elapsed, total, runner._population?.OpenCount ?? 0, sent, delivered,
                (sent - _sent) / dt, (delivered - _delivered) / dt, p50, p99, problems, serverCpu, server is { } r ? r.RssBytes / 1024.0 / 1024.0 : null, selfCpu);
            _sent = sent;
            _delivered = delivered;
            return snapshot;
        }
    }
}
