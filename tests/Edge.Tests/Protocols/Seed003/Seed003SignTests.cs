namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;

/// <summary>Identity on a seed-003 connection comes only from <c>sign</c>; before it, every request is refused with code 1.</summary>
public sealed class Seed003SignTests(Seed003HostFixture fixture) : IClassFixture<Seed003HostFixture>
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);
    private ChatHost Node => fixture.Host;

    [Theory]
    [MemberData(nameof(Seed003Steps.Transports), MemberType = typeof(Seed003Steps))]
    public async Task A_good_sign_has_no_reply_and_then_requests_are_answered(Seed003Transport transport)
    {
        using var user = await Node.NewUserAsync("ann");
        await using var client = await Seed003Client.ConnectAsync(Node, transport);
        await client.SignAsync(user.UserId, user.Token, deviceId: 7);
        await client.AssertSilentAsync(TimeSpan.FromMilliseconds(500));
        await client.HeartbeatAsync();
        await client.SignAsync(user.UserId, user.Token, deviceId: 7); // a second sign is ignored
        await client.HeartbeatAsync();
    }

    public static readonly TheoryData<Seed003Transport, string> Refusals = Cases();

    private static TheoryData<Seed003Transport, string> Cases()
    {
        var data = new TheoryData<Seed003Transport, string>();
        foreach (var transport in new[] { Seed003Transport.WebSocket, Seed003Transport.Tcp })
        {
            foreach (var refusal in new[] { "wrong token", "user mismatch", "device 0", "missing auth", "token of a logged-out session" }) data.Add(transport, refusal);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_sign_answers_code_1_and_closes_the_connection(Seed003Transport transport, string refusal)
    {
        using var user = await Node.NewUserAsync();
        using var other = await Node.NewUserAsync();
        await using var client = await Seed003Client.ConnectAsync(Node, transport);
        var sign = new Input { Type = Seed003Types.Sign };
        var auth = new Auth { AppId = 1, UserId = user.UserId, DeviceId = 1, Token = user.Token };
        switch (refusal)
        {
            case "wrong token":
                auth.Token = user.Token[..^4] + "AAAA";
                break;
            case "user mismatch":
                auth.UserId = other.UserId;
                break;
            case "device 0":
                auth.DeviceId = 0;
                break;
            case "token of a logged-out session":
                await user.PostAsync("/user/logout");
                break;
        }
        if (refusal != "missing auth") sign.Auth.Add(auth);
        await client.SendRawAsync(sign.ToByteArray());

        var refused = await client.ExpectAsync(Seed003Types.Sign, Seed003Codes.NotAuthenticated);
        Assert.False(string.IsNullOrEmpty(refused.Message));
        var (code, _) = await client.WaitClosedAsync(CloseWait);
        if (transport == Seed003Transport.WebSocket) Assert.Equal(1008, code);
    }

    [Theory]
    [MemberData(nameof(Seed003Steps.Transports), MemberType = typeof(Seed003Steps))]
    public async Task Requests_before_sign_are_refused_with_code_1_and_the_connection_stays_open(Seed003Transport transport)
    {
        using var user = await Node.NewUserAsync();
        await using var client = await Seed003Client.ConnectAsync(Node, transport);
        foreach (var type in new[] { Seed003Types.Heartbeat, Seed003Types.SendMessage, Seed003Types.Sync, Seed003Types.ConversationList, Seed003Types.MessageRead, "nonsense" })
        {
            await client.SendRawAsync(new Input { Type = type }.ToByteArray());
            var refused = await client.ExpectAsync(type, Seed003Codes.NotAuthenticated);
            Assert.Equal("sign first", refused.Message);
        }
        await client.SignAsync(user.UserId, user.Token);
        await client.HeartbeatAsync();
    }

    [Theory]
    [MemberData(nameof(Seed003Steps.Transports), MemberType = typeof(Seed003Steps))]
    public async Task Bytes_that_are_not_an_input_get_an_error_before_and_after_sign(Seed003Transport transport)
    {
        using var user = await Node.NewUserAsync();
        await using var client = await Seed003Client.ConnectAsync(Node, transport);
        byte[] garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01];
        await client.SendRawAsync(garbage);
        await client.ExpectAsync(Seed003Types.Error, Seed003Codes.Refused);
        await client.SignAsync(user.UserId, user.Token);
        await client.HeartbeatAsync();
        await client.SendRawAsync(garbage);
        await client.ExpectAsync(Seed003Types.Error, Seed003Codes.Refused);
        await client.HeartbeatAsync();
    }

    [Fact]
    public async Task A_text_frame_is_taken_as_its_bytes()
    {
        using var user = await Node.NewUserAsync();
        await using var client = await Seed003Client.ConnectAsync(Node, Seed003Transport.WebSocket);
        // Small ids and an ASCII token keep the encoded Input valid UTF-8, which a WebSocket text frame must be.
        var sign = new Input { Type = Seed003Types.Sign };
        sign.Auth.Add(new Auth { AppId = 1, UserId = user.UserId, DeviceId = 1, Token = user.Token });
        var bytes = sign.ToByteArray();
        if (!IsUtf8(bytes))
        {
            await client.SignAsync(user.UserId, user.Token); // the user id's varint is not UTF-8: sign in binary, then go on in text
        }
        else
        {
            await client.SendTextFrameAsync(bytes);
        }
        await client.SendTextFrameAsync(new Input { Type = Seed003Types.Heartbeat }.ToByteArray());
        await client.ExpectAsync(Seed003Types.Heartbeat);
        await client.SendTextFrameAsync(new Input { Type = Seed003Types.ConversationList, Data = new ConversationReq().ToByteString() }.ToByteArray());
        await client.ExpectAsync(Seed003Types.ConversationList);
    }

    [Theory]
    [MemberData(nameof(Seed003Steps.Transports), MemberType = typeof(Seed003Steps))]
    public async Task The_same_device_signing_on_a_new_connection_replaces_the_old_one(Seed003Transport transport)
    {
        using var user = await Node.NewUserAsync();
        await using var first = await Node.SignedAsync(transport, user, device: 1);
        await using var otherDevice = await Node.SignedAsync(transport, user, device: 2);
        await using var second = await Node.SignedAsync(transport, user, device: 1);

        var (code, reason) = await first.WaitClosedAsync(CloseWait);
        if (transport == Seed003Transport.WebSocket)
        {
            Assert.Equal(1008, code);
            Assert.Contains("same device", reason);
        }
        await second.HeartbeatAsync();
        await otherDevice.HeartbeatAsync();
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>A connection that sends nothing for two heartbeat intervals is closed, signed or not (60 s by default; 2 s here).</summary>
public sealed class Seed003IdleTests : IAsyncLifetime
{
    private ChatHost _node = null!;

    public async Task InitializeAsync() => _node = await Seed003HostFixture.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_HEARTBEAT_MS"] = "1000" });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [MemberData(nameof(Seed003Steps.Transports), MemberType = typeof(Seed003Steps))]
    public async Task A_silent_connection_is_closed_and_heartbeats_keep_one_open(Seed003Transport transport)
    {
        using var user = await _node.NewUserAsync();
        await using var unsigned = await Seed003Client.ConnectAsync(_node, transport);
        await using var silent = await _node.SignedAsync(transport, user, device: 1);
        await using var beating = await _node.SignedAsync(transport, user, device: 2);

        var started = DateTime.UtcNow;
        while (!silent.IsClosed || !unsigned.IsClosed)
        {
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the silent connections were not closed within 20 s");
            await beating.HeartbeatAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // the heartbeat's pace, not a wait for the condition
        }
        foreach (var closed in new[] { silent, unsigned })
        {
            var (code, reason) = await closed.WaitClosedAsync(TimeSpan.FromSeconds(1));
            if (transport == Seed003Transport.WebSocket)
            {
                Assert.Equal(1008, code);
                Assert.StartsWith("idle", reason);
            }
        }
        await beating.HeartbeatAsync();
    }
}
