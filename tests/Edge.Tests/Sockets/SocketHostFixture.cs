namespace AkkaChat.Edge.Tests.Sockets;

/// <summary>One real node shared by the tests of a class; tests keep apart by using their own users (random mobiles).</summary>
public sealed class SocketHostFixture : IAsyncLifetime
{
    private ChatHost? _host;

    public ChatHost Host => _host ?? throw new InvalidOperationException("the host is not started");

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
