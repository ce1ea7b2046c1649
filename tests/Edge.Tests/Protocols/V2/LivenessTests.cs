namespace AkkaChat.Edge.Tests.Protocols.V2;

using System.Net.WebSockets;

/// <summary>Heartbeats, typing and presence on protocol v2 (heartbeat interval shortened to 300 ms for the test).</summary>
public sealed class LivenessTests : IAsyncLifetime
{
    private ChatHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await ChatHost.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_HEARTBEAT_MS"] = "300" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string NewMobile() => "135" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    [Fact]
    public async Task A_silent_v2_socket_is_closed_with_4000_after_the_missed_heartbeats_and_pings_keep_one_open()
    {
        var a = _host.NewClient();
        await a.SignUpAsync(NewMobile(), "quiet");
        await using var silent = await a.ConnectV2Async();
        await using var pinging = await a.ConnectV2Async();
        using var keepPinging = new CancellationTokenSource();
        var pinger = Task.Run(async () =>
        {
            for (var i = 0; i < 40 && !keepPinging.IsCancellationRequested; i++)
            {
                await pinging.SendJsonAsync(new { type = "ping" });
                await Task.Delay(100, CancellationToken.None);
            }
        });

        // 3 missed intervals of 300 ms: closed within a few seconds, with the reason.
        var (type, _) = await silent.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(4000, (int)silent.Socket.CloseStatus!.Value);
        Assert.Contains("heartbeat", silent.Socket.CloseStatusDescription);

        Assert.Equal(WebSocketState.Open, pinging.Socket.State);
        await keepPinging.CancelAsync();
        await pinger;
    }

    [Fact]
    public async Task Friends_see_typing_and_presence_and_seed_sockets_see_neither()
    {
        var a = _host.NewClient();
        var b = _host.NewClient();
        await a.SignUpAsync(NewMobile(), "typist");
        await b.SignUpAsync(NewMobile(), "watcher");
        Assert.Equal(0, (await a.PostAsync("/contact/addfriend", ("dstid", b.UserId.ToString()))).GetProperty("code").GetInt32());

        // Presence is not stored: a change reaches only sockets already subscribed on the node, so the watcher is synced
        // (and with that subscribed) before a comes online.
        await using var watcher = await b.ConnectSyncedV2Async();
        await using var legacyWatcher = await b.ConnectAsync();
        var typist = await a.ConnectV2Async();
        var (online, _) = await watcher.ReceiveUntilAsync("presence");
        Assert.Equal(a.UserId, online.GetProperty("userid").GetInt64());
        Assert.True(online.GetProperty("online").GetBoolean());

        await typist.SendJsonAsync(new { type = "typing", conv = $"u{b.UserId}" });
        var (typing, _) = await watcher.ReceiveUntilAsync("typing");
        Assert.Equal($"u{a.UserId}", typing.GetProperty("conv").GetString());

        await typist.DisposeAsync();
        var (offline, _) = await watcher.ReceiveUntilAsync("presence");
        Assert.False(offline.GetProperty("online").GetBoolean());

        // Keep the v2 socket alive for the heartbeat check while asserting the seed socket got nothing.
        await watcher.SendJsonAsync(new { type = "ping" });
        await legacyWatcher.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }
}
