namespace AkkaChat.Edge.Tests.Hosting;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

/// <summary>
/// One run of the built AkkaChat.Edge.dll as a child process with the given environment and arguments, its stdout and
/// stderr kept line by line, for tests of the process itself (how it starts, refuses to start, logs). Unlike
/// <see cref="ChatProcess"/> it does not wait for readiness nor pick the HTTP port. Only this process, by its PID.
/// </summary>
internal sealed class NodeRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeRun(Process process, string dataDir)
    {
        _process = process;
        DataDir = dataDir;
    }

    public string DataDir { get; }

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    /// <summary>Starts the node with a fresh data directory, a cheap password hash and <paramref name="env"/> on top.</summary>
    public static NodeRun Start(IDictionary<string, string?> env, params string[] args)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "akkachat-tests", "run-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AkkaChat.Edge.dll"), .. args])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Nothing inherited from the test runner's environment decides how the node starts.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AKKACHAT_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["AKKACHAT_DATA_DIR"] = dataDir;
        info.Environment["AKKACHAT_BIND"] = "127.0.0.1";
        info.Environment["AKKACHAT_PBKDF2_ITERATIONS"] = "1000";
        foreach (var (k, v) in env) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start AkkaChat");
        var run = new NodeRun(process, dataDir);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) run._outputClosed.TrySetResult();
            else run._stdout.Enqueue(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) run._errorClosed.TrySetResult();
            else run._stderr.Enqueue(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits (bounded) for the process to exit by itself and its output to be read; its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan bound)
    {
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
        return _process.ExitCode;
    }

    /// <summary>Waits (bounded) for a stdout line that satisfies <paramref name="match"/>.</summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (_stdout.FirstOrDefault(match) is { } line) return line;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no such line within {bound.TotalSeconds} s (exited: {_process.HasExited}); stdout: {string.Join(" | ", Stdout.TakeLast(5))}; stderr: {string.Join(" | ", Stderr.TakeLast(5))}");
    }

    /// <summary>SIGTERM, then the exit code (bounded).</summary>
    public async Task<int> TerminateAsync(TimeSpan bound)
    {
        if (kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill failed: errno {Marshal.GetLastPInvokeError()}");
        return await ExitCodeAsync(bound);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
        _process.Dispose();
        try
        {
            if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// A loopback port free now, below Linux's ephemeral range (32768-60999): a port from that range can be taken, before
    /// the node binds it, as the local end of any outgoing connection the other tests open meanwhile.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free loopback port between 20000 and 32000 after 200 tries");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
