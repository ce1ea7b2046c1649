namespace AkkaChat.LoadTest.Measurement;

using System.Diagnostics;
using System.Globalization;

/// <summary>A reading of one process from /proc: CPU time used so far and resident memory.</summary>
public readonly record struct ProcessReading(long CpuTicks, long RssBytes, long PeakRssBytes, int Threads, long At);

/// <summary>A reading of the whole machine from /proc/stat.</summary>
public readonly record struct MachineReading(long Busy, long Total, long Steal, long At);

/// <summary>
/// Reads /proc/&lt;pid&gt;/stat and /proc/&lt;pid&gt;/status (Linux). CPU time is in clock ticks (USER_HZ, 100 per second
/// on Linux), so CPU% = ticks / 100 / seconds * 100 and may exceed 100 on a machine with several cores.
/// Several processes (the nodes of a cluster on this machine) read as one: CPU, RSS and threads summed.
/// </summary>
public sealed class ProcessSampler
{
    private const double TicksPerSecond = 100;

    private readonly int[] _pids;

    public ProcessSampler(params IReadOnlyList<int> pids)
    {
        if (pids.Count == 0) throw new ArgumentException("a process sampler needs at least one pid");
        _pids = [.. pids];
    }

    /// <summary>The first process sampled.</summary>
    public int Pid => _pids[0];

    public IReadOnlyList<int> Pids => _pids;

    public bool Exists => _pids.All(pid => File.Exists($"/proc/{pid}/stat"));

    public static ProcessSampler Self() => new(Environment.ProcessId);

    /// <summary>The sum over the processes, or null when one of them cannot be read.</summary>
    public ProcessReading? Read()
    {
        long cpu = 0, rss = 0, peak = 0;
        var threads = 0;
        foreach (var pid in _pids)
        {
            if (ReadOne(pid) is not { } r) return null;
            cpu += r.CpuTicks;
            rss += r.RssBytes;
            peak += r.PeakRssBytes;
            threads += r.Threads;
        }
        return new ProcessReading(cpu, rss, peak, threads, Stopwatch.GetTimestamp());
    }

    private static ProcessReading? ReadOne(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields after the command: state(3) ... utime(14) stime(15) ... num_threads(20); index = field - 3.
            var cpu = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var threads = int.Parse(fields[17], CultureInfo.InvariantCulture);
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line);
            }
            return new ProcessReading(cpu, rss, peak, threads, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>CPU% between two readings (100 = one core busy).</summary>
    public static double CpuPercent(ProcessReading from, ProcessReading to)
    {
        var seconds = Stopwatch.GetElapsedTime(from.At, to.At).TotalSeconds;
        return seconds <= 0 ? 0 : Math.Round((to.CpuTicks - from.CpuTicks) / TicksPerSecond / seconds * 100, 1);
    }

    /// <summary>The lowest soft limit on open files of the processes, from /proc/&lt;pid&gt;/limits.</summary>
    public long? OpenFilesLimit() => _pids.Select(OpenFilesLimitOf).Min();

    private static long? OpenFilesLimitOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: >= 5 } && long.TryParse(parts[3], CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static MachineReading? ReadMachine()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            var v = cpu.Skip(1).Take(8).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var idle = v[3] + v[4];
            var total = v.Sum();
            return new MachineReading(total - idle, total, v[7], Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Machine-wide busy% between readings, out of 100 × cores.</summary>
    public static (double Busy, double Steal) MachinePercent(MachineReading from, MachineReading to)
    {
        var total = to.Total - from.Total;
        if (total <= 0) return (0, 0);
        var cores = Environment.ProcessorCount;
        return (Math.Round((double)(to.Busy - from.Busy) / total * 100 * cores, 1), Math.Round((double)(to.Steal - from.Steal) / total * 100 * cores, 1));
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
