// The CPU cost of AkkaChat's password hashing (PBKDF2-HMAC-SHA256, 16-byte salt, 32-byte hash: one per register,
// one per login, two on a login that upgrades an old hash). Run: dotnet run bench/Pbkdf2/Pbkdf2Cost.cs [ops]
// Reports CPU ms per hash (stable on a busy machine) and wall ms per hash, one thread and two threads.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

var ops = args.Length > 0 ? int.Parse(args[0]) : 10;
var password = Encoding.UTF8.GetBytes("correct horse battery staple");
var salt = RandomNumberGenerator.GetBytes(16);
Rfc2898DeriveBytes.Pbkdf2(password, salt, 1000, HashAlgorithmName.SHA256, 32); // warm up

Console.WriteLine($"{Environment.ProcessorCount} cores, {ops} hashes per thread");
Console.WriteLine("iterations  threads  cpu-ms/hash  wall-ms/hash  hashes/s");
foreach (var iterations in new[] { 100_000, 600_000 })
{
    foreach (var threads in new[] { 1, 2 })
    {
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (var i = 0; i < ops; i++) Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        });
        wall.Stop();
        process.Refresh();
        var total = threads * ops;
        var cpuMs = (process.TotalProcessorTime - cpu0).TotalMilliseconds / total;
        Console.WriteLine($"{iterations,10}  {threads,7}  {cpuMs,11:F0}  {wall.Elapsed.TotalMilliseconds / ops,12:F0}  {total / wall.Elapsed.TotalSeconds,8:F1}");
    }
}
