namespace AkkaChat.Edge.Tests;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

/// <summary>
/// AkkaChat as a separate OS process (the built AkkaChat.Edge.dll next to the tests), for tests that need one: a kill
/// with SIGKILL mid-burst, a SIGTERM, a cluster of nodes, how the process starts, refuses to start and logs. Only this
/// process, by its PID. <see cref="StartAsync"/> picks the ports and waits for readiness, and may run again on the same
/// data directory; <see cref="Launch"/> runs it once with the environment exactly as given and does not wait. Its
/// remoting port is chosen once, so a restarted process comes back at the same cluster address (a test sets
/// AKKACHAT_REMOTE_PORT itself to name it in another node's AKKACHAT_SEEDS). Also linked into Cluster.Tests.
/// </summary>
public sealed class ChatProcess : IChatNode, IAsyncDisposable
{
    /// <summary>Output lines kept in memory (the newest); a <see cref="LogFile"/> gets all of them.</summary>
    private const int KeptLines = 20_000;

    private readonly Dictionary<string, string?> _env;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private Process? _process;
    private TaskCompletionSource _outputClosed = new();
    private TaskCompletionSource _errorClosed = new();
    private string? _appCopy;

    /// <summary>A node on <paramref name="dataDir"/> (deleted with it unless <see cref="KeepsDataDir"/>), or on a fresh directory.</summary>
    public ChatProcess(IDictionary<string, string?>? extraEnv = null, string? dataDir = null)
    {
        DataDir = dataDir ?? TestNode.NewDataDir("proc-");
        _env = TestNode.Environment(DataDir, extraEnv);
        RemotePort = _env.TryGetValue("AKKACHAT_REMOTE_PORT", out var remote) && remote is not null ? int.Parse(remote) : FreePort.Next();
    }

    /// <summary>Where the process's output goes, line by line (appended across restarts); null: only kept in memory.</summary>
    public string? LogFile { get; init; }

    /// <summary>How long <see cref="StartAsync"/> waits for <c>/readyz</c>.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// HOCON appended to <c>hocon/akkachat.conf</c> (tunables that have no environment variable, e.g. the snapshot
    /// interval); the process then runs from a copy of the build output. Null: the build output as it is.
    /// </summary>
    public string? HoconOverrides { get; init; }

    /// <summary>The data directory outlives this process (nodes of a cluster share one).</summary>
    public bool KeepsDataDir { get; init; }

    /// <summary>The HTTP port; null: a free one, chosen at each start.</summary>
    public int? HttpPort { get; init; }

    public int RemotePort { get; }

    public string DataDir { get; }
    public Uri BaseUri { get; private set; } = null!;
    public int Pid => _process?.Id ?? 0;

    /// <summary>The output lines of the current run, in order.</summary>
    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    /// <summary>
    /// Runs the node once with <paramref name="env"/> on top of the test defaults and <paramref name="args"/> on its
    /// command line: no port chosen, no readiness awaited (start-up tests: a refusal, the log, <c>--urls</c>).
    /// </summary>
    public static ChatProcess Launch(IDictionary<string, string?> env, params string[] args)
    {
        var node = new ChatProcess(env);
        node.Run(node._env, args);
        return node;
    }

    public async Task StartAsync()
    {
        var httpPort = HttpPort ?? FreePort.Next();
        var env = new Dictionary<string, string?>(_env)
        {
            ["AKKACHAT_HTTP_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AKKACHAT_REMOTE_PORT"] = RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Run(env, []);
        BaseUri = new Uri($"http://127.0.0.1:{httpPort}/");

        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        await Until.TrueAsync(async () =>
        {
            if (_process!.HasExited) throw new InvalidOperationException($"AkkaChat exited with {_process.ExitCode} while starting: {string.Join(" | ", Stderr.TakeLast(3))}");
            try
            {
                return (await http.GetAsync("/readyz")).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, StartTimeout, "AkkaChat to become ready", TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Waits (bounded) for a stdout line that satisfies <paramref name="match"/>.</summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan bound)
    {
        string? found = null;
        await Until.TrueAsync(() =>
        {
            found = _stdout.FirstOrDefault(match);
            if (found is null && _process is { HasExited: true })
                throw new InvalidOperationException($"the node exited without such a line; stdout: {string.Join(" | ", Stdout.TakeLast(5))}; stderr: {string.Join(" | ", Stderr.TakeLast(5))}");
            return Task.FromResult(found is not null);
        }, bound, $"a matching line (stdout: {string.Join(" | ", Stdout.TakeLast(5))})");
        return found!;
    }

    /// <summary>Waits (bounded) for the process to exit by itself and its output to be read; its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan bound) => await ExitedAsync(bound);

    /// <summary>SIGKILL: no shutdown hooks, no flush; whatever was not committed is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await ExitedAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, as an operator or a service manager stops a node; returns the exit code, or throws if it outlives <paramref name="bound"/>.</summary>
    public async Task<int> TerminateAsync(TimeSpan bound)
    {
        if (_process is null) throw new InvalidOperationException("not running");
        if (kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill failed: errno {Marshal.GetLastPInvokeError()}");
        return await ExitedAsync(bound);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        foreach (var dir in new[] { KeepsDataDir ? null : DataDir, _appCopy })
        {
            try
            {
                if (dir is not null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private void Run(Dictionary<string, string?> env, string[] args)
    {
        var appDir = HoconOverrides is null ? AppContext.BaseDirectory : ConfiguredCopy(HoconOverrides);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(appDir, "AkkaChat.Edge.dll"), .. args])
        {
            WorkingDirectory = appDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Nothing inherited from the test runner's environment decides how the node starts.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AKKACHAT_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (k, v) in env) info.Environment[k] = v;
        _stdout.Clear();
        _stderr.Clear();
        var (outputClosed, errorClosed) = (_outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously), _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously));
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start AkkaChat");
        var log = LogFile is null ? null : TextWriter.Synchronized(new StreamWriter(LogFile, append: true) { AutoFlush = true });
        _process.OutputDataReceived += (_, e) => Keep(e.Data, _stdout, outputClosed, log);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data, _stderr, errorClosed, log);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private static void Keep(string? line, ConcurrentQueue<string> lines, TaskCompletionSource closed, TextWriter? log)
    {
        if (line is null)
        {
            closed.TrySetResult();
            log?.Flush();
            return;
        }
        log?.WriteLine(line);
        lines.Enqueue(line);
        while (lines.Count > KeptLines) lines.TryDequeue(out _);
    }

    /// <summary>Waits (bounded) for the process to exit and its output to be read, releases it and returns its exit code.</summary>
    private async Task<int> ExitedAsync(TimeSpan bound)
    {
        if (_process is null) throw new InvalidOperationException("not running");
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the node did not exit within {bound.TotalSeconds} s; stdout: {string.Join(" | ", Stdout.TakeLast(5))}");
        }
        var code = _process.ExitCode;
        _process.Dispose();
        _process = null;
        return code;
    }

    /// <summary>A copy of the build output whose akkachat.conf ends with <paramref name="overrides"/> (made once).</summary>
    private string ConfiguredCopy(string overrides)
    {
        if (_appCopy is not null) return _appCopy;
        var copy = Path.Combine(Path.GetTempPath(), "akkachat-tests", "app-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(AppContext.BaseDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.AppendAllText(Path.Combine(copy, "hocon", "akkachat.conf"), System.Environment.NewLine + overrides + System.Environment.NewLine);
        return _appCopy = copy;
    }

    private const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
