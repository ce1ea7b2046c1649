namespace AkkaChat.Persistence.Tests.Journal;

using System.Buffers.Binary;
using System.Text;
using AkkaChat.Persistence.Journal;
using AkkaChat.Persistence.Storage;

/// <summary>
/// The SQLite journal's WAL under steady commits: left to passive checkpoints it never starts over (some commit always
/// lands while a checkpoint runs) and grows without bound; the checkpointer has the writer start it over near its
/// restart size.
/// </summary>
public sealed class SqliteWalSpec : IDisposable
{
    private const long RestartSize = 256 << 10;
    private const int Restarts = 10;
    private static readonly TimeSpan Busy = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TempJournalFile _store = new();

    [Fact]
    public async Task Under_steady_commits_the_WAL_starts_over_near_its_restart_size_and_every_row_stays_stored()
    {
        var wal = Path.Combine(_store.Directory, ChatStorage.SqliteFileName) + "-wal";
        var settings = new WalSettings(TimeSpan.FromMilliseconds(50), RestartSize);
        long rows;
        var restarts = new HashSet<uint>();
        var lengths = new List<long>(); // from the WAL's first restart on
        long largest = 0;
        using (var writer = new SqliteJournalWriter(_store.ConnectionString, relaxedSync: false, new GroupCommitSettings(1000, 8192), settings))
        {
            // Sixteen writers, each writing again as soon as its last write committed, keep the writer committing
            // back to back: rows of 200 users, so that every commit writes pages all over the table.
            using var done = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                long written = 0;
                for (var seq = 1L; !done.IsCancellationRequested; seq++)
                {
                    for (var u = w; u < 200; u += 16, written++) await writer.WriteAsync([Row($"user-{u}", seq)]);
                }
                return written;
            })).ToArray();

            // Until the WAL has started over ten times (its header's checkpoint sequence changes each time; under a second
            // on a quiet machine, several on a busy one), or has grown past any bound, or 30 s: its size meanwhile.
            var until = DateTime.UtcNow + Busy;
            while (restarts.Count <= Restarts && largest <= 64 * RestartSize && DateTime.UtcNow < until)
            {
                if (ReadWal(wal) is var (length, sequence))
                {
                    restarts.Add(sequence);
                    largest = Math.Max(largest, length);
                    if (restarts.Count > 1) lengths.Add(length);
                }
                await Task.Delay(2);
            }
            await done.CancelAsync();
            rows = (await Task.WhenAll(writers).WaitAsync(Timeout)).Sum();
        }

        // Left to passive checkpoints, it started over 2 or 3 times in 20 s and reached 0.4 to 2 GB (190 MB in 3 s).
        lengths.Sort();
        Assert.True(restarts.Count > Restarts, $"the WAL started over {restarts.Count - 1} times; it reached {largest} bytes");
        // Mostly between the restart size and twice it (journal_size_limit), up to 4 to 6 times it when this test's
        // writers commit much while the checkpoints converge; more when the suite's other tests keep the checkpointer
        // from running.
        Assert.InRange(lengths[lengths.Count / 2], 0, 4 * RestartSize);
        Assert.InRange(lengths[^1], 0, 64 * RestartSize);
        Assert.Equal(rows, _store.RowCount());
    }

    /// <summary>The WAL file's length and its header's checkpoint sequence number, or null while it has no header.</summary>
    private static (long Length, uint Sequence)? ReadWal(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[16];
            if (file.Read(header) < header.Length) return null;
            return (file.Length, BinaryPrimitives.ReadUInt32BigEndian(header[12..]));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static JournalRow Row(string persistenceId, long sequenceNr) =>
        new(persistenceId, sequenceNr, Encoding.UTF8.GetBytes(new string('m', 300)), "", SerializerId: 0, Timestamp: DateTime.UtcNow.Ticks);

    public void Dispose() => _store.Dispose();
}
