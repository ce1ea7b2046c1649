namespace AkkaChat.Edge.Tests.Transport;

using System.Text.Json;
using AkkaChat.Edge.Tests.Ctl;
using AkkaChat.Edge.Tests.Sockets;

/// <summary>
/// A peer that stops answering the node's WebSocket pings (a lost network, a phone asleep: nothing closes the socket)
/// is dropped after <c>AKKACHAT_KEEPALIVE_TIMEOUT_MS</c>, so it stops counting as the user's open socket, and the
/// user's next socket is the first again: it is pushed what was stored meanwhile instead of starting at the head.
/// </summary>
public sealed class KeepAliveTests
{
    [Fact]
    public async Task A_peer_that_answers_no_ping_is_dropped_and_the_users_next_socket_gets_what_was_stored_meanwhile()
    {
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?>
        {
            ["AKKACHAT_KEEPALIVE_MS"] = "300",
            ["AKKACHAT_KEEPALIVE_TIMEOUT_MS"] = "700",
        });
        using var ann = await host.NewUserAsync("ann");
        using var bob = await host.NewUserAsync("bob");
        await ann.BefriendAsync(bob);
        await using var annSocket = await ann.OpenAsync("ann");

        // .NET's client answers a ping only inside a receive, and a ChatSocket receives only when asked: a socket
        // nothing reads answers none, as a lost peer.
        await using var silent = await bob.ConnectAsync();
        Assert.True(await IsListedAsync(host, bob), "bob's silent socket is registered at first");
        await Until.TrueAsync(async () => !await IsListedAsync(host, bob), TimeSpan.FromSeconds(15), "the node drops bob's silent socket");

        await annSocket.SendAsync(new { id = 1, dstid = bob.UserId, cmd = 10, media = 1, content = "while you were away" });
        await annSocket.ExpectNothingAsync(Quiet.Window); // stored; no socket of bob's took it

        await using var bobSocket = await bob.OpenAsync("bob");
        await bobSocket.NextChatAsync(10, ann.UserId, bob.UserId, "while you were away");
    }

    private static async Task<bool> IsListedAsync(ChatHost host, ChatClient user)
    {
        var list = await CtlRunner.RunAsync(host, "connections", "list", "--json");
        Assert.Equal(0, list.Exit);
        return JsonDocument.Parse(list.Output).RootElement.GetProperty("connections").EnumerateArray()
            .Any(c => c.GetProperty("user").GetInt64() == user.UserId);
    }
}
