namespace AkkaChat.Edge.Tests.Protocols.V2;

/// <summary>The presence snapshot a v2 socket gets right after its <c>synced</c> (docs/PROTOCOL.md §3).</summary>
public sealed class PresenceSnapshotTests : IAsyncLifetime
{
    private ChatHost _host = null!;

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string NewMobile() => "136" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    [Fact]
    public async Task After_synced_a_socket_gets_the_presence_of_the_friends_already_online_and_not_of_the_others()
    {
        var a = _host.NewClient();
        var up = _host.NewClient();
        var down = _host.NewClient();
        await a.SignUpAsync(NewMobile(), "newcomer");
        await up.SignUpAsync(NewMobile(), "up");
        await down.SignUpAsync(NewMobile(), "down");
        foreach (var friend in new[] { up, down })
        {
            Assert.Equal(0, (await a.PostAsync("/contact/addfriend", ("dstid", friend.UserId.ToString()))).GetProperty("code").GetInt32());
        }
        await using var upSocket = await up.ConnectSyncedV2Async();

        // The first socket: the snapshot comes from the answers of the friends that are up.
        await using var first = await a.ConnectSyncedV2Async();
        var (online, _) = await first.ReceiveUntilAsync("presence");
        Assert.Equal(up.UserId, online.GetProperty("userid").GetInt64());
        Assert.True(online.GetProperty("online").GetBoolean());

        // A second socket of the same user gets the snapshot right after its synced, and only the friend that is up.
        await using var second = await a.ConnectV2Async();
        await second.SendJsonAsync(new { type = "sync" });
        await second.ReceiveUntilAsync("synced");
        var (snapshot, _) = await second.ReceiveUntilAsync("presence");
        Assert.Equal(up.UserId, snapshot.GetProperty("userid").GetInt64());
        await second.SendJsonAsync(new { type = "ping" });
        var (_, between) = await second.ReceiveUntilAsync("pong");
        Assert.DoesNotContain(between, f => f.Type() == "presence");
    }
}
