namespace AkkaChat.Edge.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Two_friends_chat_over_real_sockets()
    {
        await using var host = await ChatHost.StartAsync();
        using var alice = host.NewClient();
        using var bob = host.NewClient();
        await alice.SignUpAsync("13900000001", "alice");
        await bob.SignUpAsync("13900000002", "bob");
        var added = await alice.PostAsync("/contact/addfriend", ("userid", alice.UserId.ToString()), ("dstid", bob.UserId.ToString()));
        Assert.Equal(0, added.GetProperty("code").GetInt32());

        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendJsonAsync(new { id = 1, userid = alice.UserId, dstid = bob.UserId, cmd = 10, media = 1, content = "hello" });
        var got = await bobSocket.ReceiveJsonAsync();
        Assert.Equal("hello", got.GetProperty("content").GetString());
        Assert.Equal(alice.UserId, got.GetProperty("userid").GetInt64());
        await aliceSocket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }
}
