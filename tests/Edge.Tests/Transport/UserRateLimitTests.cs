namespace AkkaChat.Edge.Tests.Transport;

using System.Text.Json;

/// <summary>A user's sockets share one budget on a node: more sockets do not multiply the rate.</summary>
public sealed class UserRateLimitTests
{
    [Fact]
    public async Task Frames_over_the_users_shared_budget_are_refused_even_when_each_socket_is_within_its_own()
    {
        await using var host = await ChatHost.StartAsync();
        using var client = host.NewClient();
        await client.SignUpAsync("134" + Random.Shared.NextInt64(10_000_000, 99_999_999), "flooder");
        var sockets = new List<ChatSocket>();
        for (var i = 0; i < 3; i++) sockets.Add(await client.ConnectAsync());

        // 90 frames per socket stays under one socket's burst (100) but 270 exceeds the user's (200).
        foreach (var socket in sockets)
        {
            for (var n = 1; n <= 90; n++) await socket.SendJsonAsync(new { id = n, cmd = 10, dstid = 424242, media = 1, content = "x" });
        }

        var codes = new List<string>();
        foreach (var socket in sockets)
        {
            for (var n = 0; n < 90; n++) codes.Add((await socket.ReceiveJsonAsync()).GetProperty("code").GetString()!);
        }
        Assert.Equal(270, codes.Count);
        Assert.Contains("rate-limited", codes);
        Assert.Contains("not-friend", codes);
        Assert.InRange(codes.Count(c => c == "not-friend"), 200, 269);
        foreach (var socket in sockets) await socket.DisposeAsync();
    }
}
