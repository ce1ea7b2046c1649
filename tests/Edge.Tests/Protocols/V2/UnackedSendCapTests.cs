namespace AkkaChat.Edge.Tests.Protocols.V2;

using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>
/// A v2 socket takes at most half its outbound queue of 1:1 sends without an ack (each is answered with two frames, the
/// ack and the own copy, and an entity answers a commit's worth at once); beyond that a send is refused by cid, and the
/// socket takes sends again as acks come.
/// </summary>
public sealed class UnackedSendCapTests(ITestOutputHelper output)
{
    private const int Queue = 16;
    private const int InFlight = Queue / 2;

    [Fact]
    public async Task Sends_beyond_half_the_queue_without_an_ack_are_refused_and_taken_again_once_acked()
    {
        var env = new Dictionary<string, string?> { ["AKKACHAT_OUTBOUND_QUEUE"] = $"{Queue}", ["AKKACHAT_MSG_RATE"] = "10000" };
        await using var host = await ChatHost.StartAsync(env, output);
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        await using var socket = await alice.ConnectSyncedV2Async();

        // While the test holds SQLite's write lock the journal commits nothing, so nothing is acked: the sends stay in flight.
        using (HoldWriteLock(host))
        {
            for (var i = 1; i <= InFlight; i++) await socket.SendDirectAsync($"c{i}", bob.UserId, $"in flight {i}");
            await socket.SendDirectAsync("over", bob.UserId, "one too many");

            var (refusal, before) = await socket.ReceiveUntilAsync("error", maxFrames: 50, wait: TimeSpan.FromSeconds(5));
            Assert.Equal("refused", refusal.Text("code"));
            Assert.Equal("over", refusal.Text("cid"));
            Assert.DoesNotContain(before, f => f.Type() == "ack");
        }

        var acked = new HashSet<string>();
        while (acked.Count < InFlight)
        {
            var (ack, _) = await socket.ReceiveUntilAsync("ack", maxFrames: 50, wait: TimeSpan.FromSeconds(15));
            acked.Add(ack.Text("cid")!);
        }
        Assert.Equal(Enumerable.Range(1, InFlight).Select(i => $"c{i}").Order(), acked.Order());

        await socket.SendDirectAsync("over", bob.UserId, "one too many");
        var (again, _) = await socket.ReceiveUntilAsync("ack", maxFrames: 50, wait: TimeSpan.FromSeconds(15));
        Assert.Equal("over", again.Text("cid"));
    }

    /// <summary>SQLite's one write slot, taken on a connection of the test's own; released (rolled back) on dispose.</summary>
    private static IDisposable HoldWriteLock(ChatHost host)
    {
        var connection = host.OpenDatabase();
        using var begin = connection.CreateCommand();
        begin.CommandText = "PRAGMA busy_timeout=5000; BEGIN IMMEDIATE;";
        begin.ExecuteNonQuery();
        return new WriteLock(connection);
    }

    private sealed class WriteLock(SqliteConnection connection) : IDisposable
    {
        public void Dispose()
        {
            using (var rollback = connection.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                rollback.ExecuteNonQuery();
            }
            connection.Dispose();
        }
    }
}
