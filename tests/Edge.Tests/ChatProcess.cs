namespace AkkaChat.Edge.Tests;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

/// <summary>
/// AkkaChat as a separate OS process (the built AkkaChat.Edge.dll next to the tests), so a test can kill it
/// with SIGKILL mid-burst and start it again on the same data directory. Only this process, by its PID.
/// Its remoting port is chosen once, so a restarted process comes back at the same cluster address (a test sets
/// AKKACHAT_REMOTE_PORT itself to name it in another node's AKKACHAT_SEEDS). Also linked into Cluster.Tests.
/// </summary>
public sealed class ChatProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _env;
    private Process? _process;

    public ChatProcess(IDictionary<string, string?>? extraEnv = null, string? dataDir = null)
    {
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "akkachat-tests", "proc-" + Guid.NewGuid().ToString("N"));
        _env = new Dictionary<string, string?>
        {
            ["AKKACHAT_DATA_DIR"] = DataDir,
            ["AKKACHAT_BIND"] = "127.0.0.1",
            // Tests register and log in many users quickly from one address: a cheap hash and no per-address limits
            // (the defaults are 600,000 iterations and 30 logins a minute); tests of those set them back.
            ["AKKACHAT_PBKDF2_ITERATIONS"] = "1000",
            ["AKKACHAT_LOGIN_PER_ADDRESS"] = "0",
            ["AKKACHAT_REGISTER_PER_ADDRESS"] = "0",
        };
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string?>()) _env[k] = v;
        RemotePort = _env.TryGetValue("AKKACHAT_REMOTE_PORT", out var remote) && remote is not null ? int.Parse(remote) : FreePort();
    }

    /// <summary>Where the process's output goes, line by line (appended across restarts); null: discarded.</summary>
    public string? LogFile { get; init; }

    /// <summary>How long <see cref="StartAsync"/> waits for <c>/readyz</c>.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// HOCON appended to <c>hocon/akkachat.conf</c> (tunables that have no environment variable, e.g. the snapshot
    /// interval); the process then runs from a copy of the build output. Null: the build output as it is.
    /// </summary>
    public string? HoconOverrides { get; init; }

    /// <summary>The HTTP port; null: a free one, chosen at each start.</summary>
    public int? HttpPort { get; init; }

    public int RemotePort { get; }

    public string DataDir { get; }
    public Uri BaseUri { get; private set; } = null!;
    public int Pid => _process?.Id ?? 0;

    public async Task StartAsync()
    {
        var httpPort = HttpPort ?? FreePort();
        var appDir = HoconOverrides is null ? AppContext.BaseDirectory : ConfiguredCopy(HoconOverrides);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(appDir, "AkkaChat.Edge.dll")])
        {
            WorkingDirectory = appDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in _env) info.Environment[k] = v;
        info.Environment["AKKACHAT_HTTP_PORT"] = httpPort.ToString();
        info.Environment["AKKACHAT_REMOTE_PORT"] = RemotePort.ToString();
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start AkkaChat");
        var log = LogFile is null ? null : TextWriter.Synchronized(new StreamWriter(LogFile, append: true) { AutoFlush = true });
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) log?.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log?.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseUri = new Uri($"http://127.0.0.1:{httpPort}/");

        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"AkkaChat exited with {_process.ExitCode} while starting");
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"AkkaChat did not become ready within {StartTimeout.TotalSeconds} s");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush; whatever was not committed is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: false);
        await ExitedAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, as an operator or a service manager stops a node; returns the exit code, or throws if it outlives <paramref name="bound"/>.</summary>
    public async Task<int> TerminateAsync(TimeSpan bound)
    {
        if (_process is null) throw new InvalidOperationException("not running");
        if (kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill failed: errno {Marshal.GetLastPInvokeError()}");
        return await ExitedAsync(bound);
    }

    /// <summary>Waits (bounded) for the signalled process to exit, releases it and returns its exit code.</summary>
    private async Task<int> ExitedAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        await _process!.WaitForExitAsync(timeout.Token);
        var code = _process.ExitCode;
        _process.Dispose();
        _process = null;
        return code;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        foreach (var dir in new[] { DataDir, _appCopy })
        {
            if (dir is null) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string? _appCopy;

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
        File.AppendAllText(Path.Combine(copy, "hocon", "akkachat.conf"), Environment.NewLine + overrides + Environment.NewLine);
        return _appCopy = copy;
    }

    private const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
