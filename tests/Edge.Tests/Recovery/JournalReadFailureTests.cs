namespace AkkaChat.Edge.Tests.Recovery;

using System.Net.WebSockets;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>
/// A socket whose journal read fails (the database refuses the query) closes with 1011 and a reason to reconnect, and
/// what it was reading stays for the next socket: a failed read counts nothing as delivered.
/// </summary>
public sealed class JournalReadFailureTests(ITestOutputHelper output)
{
    private const int Direct = 10;

    [Fact]
    public async Task A_seed000_backlog_that_cannot_be_read_closes_with_1011_and_comes_on_the_next_socket()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await MessageWhileAwayAsync(alice, bob);

        await using (await HideJournalAsync(host))
        {
            await using var failed = await bob.OpenAsync("bob");
            Assert.Equal(WebSocketCloseStatus.InternalServerError, await failed.ClosedAsync());
        }

        await using var again = await bob.OpenAsync("bob/again");
        (await again.NextAsync()).AssertChat(Direct, alice.UserId, bob.UserId, "while away");
        await again.ExpectNothingAsync(Quiet.Window);
    }

    [Fact]
    public async Task A_v2_sync_that_cannot_be_read_closes_with_1011_and_the_next_sync_gets_it()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await MessageWhileAwayAsync(alice, bob);

        await using (await HideJournalAsync(host))
        {
            await using var failed = await FrameInbox.OpenV2Async(bob, "bob");
            await failed.SendAsync(new { type = "sync", inbox = 0, rooms = new Dictionary<string, long>() });
            Assert.Equal(WebSocketCloseStatus.InternalServerError, await failed.ClosedAsync());
        }

        await using var again = await bob.ConnectV2Async();
        await again.SyncAsync(0);
        var (_, before) = await again.ReceiveUntilAsync("synced", maxFrames: 10);
        var message = Assert.Single(before, f => f.Type() == "msg");
        Assert.Equal("while away", message.GetProperty("content").GetString());
    }

    /// <summary>The two become friends, and alice's message to bob is stored (acknowledged) while bob has no socket.</summary>
    private static async Task MessageWhileAwayAsync(ChatClient alice, ChatClient bob)
    {
        await alice.BefriendAsync(bob);
        await using var sender = await alice.ConnectSyncedV2Async();
        await sender.SendDirectAsync("c1", bob.UserId, "while away");
        var (_, skipped) = await sender.ReceiveUntilAsync("ack", maxFrames: 10);
        Assert.DoesNotContain(skipped, f => f.Type() == "error");
    }

    /// <summary>
    /// Renames the journal table until the returned scope is disposed: every query of it fails meanwhile, as it would on
    /// a database that lost the table or refuses the node. The entities involved are already up, so nothing needs a write.
    /// </summary>
    private static async Task<IAsyncDisposable> HideJournalAsync(ChatHost host)
    {
        var connection = host.OpenDatabase();
        await ExecuteAsync(connection, "PRAGMA busy_timeout=10000; ALTER TABLE event_journal RENAME TO event_journal_hidden;");
        return new Restore(connection);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Restore(SqliteConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await ExecuteAsync(connection, "ALTER TABLE event_journal_hidden RENAME TO event_journal;");
            await connection.DisposeAsync();
        }
    }
}
