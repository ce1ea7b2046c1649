namespace AkkaChat.Edge.Tests.Protocols.Seed003;

/// <summary>
/// A node with the TCP edge on (<c>AKKACHAT_TCP_PORT</c>), shared by a test class, so every transport-neutral rule runs over
/// <c>/ws</c> and TCP alike.
/// </summary>
public sealed class Seed003HostFixture : IAsyncLifetime
{
    private ChatHost? _host;

    public ChatHost Host => _host ?? throw new InvalidOperationException("the host is not started");

    public async Task InitializeAsync() => _host = await StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    /// <summary>A node with the TCP edge on a free port, plus <paramref name="extra"/>.</summary>
    public static Task<ChatHost> StartAsync(IDictionary<string, string?>? extra = null, string? dataDir = null)
    {
        var env = new Dictionary<string, string?> { ["AKKACHAT_TCP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) env[k] = v;
        return ChatHost.StartAsync(env, dataDir: dataDir);
    }
}

public static class Seed003Steps
{
    public const int User = 1, Group = 2;

    public static readonly TheoryData<Seed003Transport> Transports = new() { Seed003Transport.WebSocket, Seed003Transport.Tcp };

    /// <summary>
    /// A signed connection of <paramref name="user"/>'s device <paramref name="device"/>: a heartbeat's reply shows the sign took
    /// (requests wait until the connection is registered and the user's rooms reach the node).
    /// </summary>
    public static async Task<Seed003Client> SignedAsync(this IChatNode node, Seed003Transport transport, ChatClient user, long device = 1)
    {
        var client = await Seed003Client.ConnectAsync(node, transport, $"user {user.UserId} device {device} ({transport})");
        await client.SignAsync(user.UserId, user.Token, device);
        await client.HeartbeatAsync();
        return client;
    }
}
