namespace AkkaChat.Edge.Tests;

/// <summary>
/// One in-process node shared by the tests of a class (<c>IClassFixture&lt;ChatHostFixture&gt;</c>). The tests sign up
/// their own users with fresh mobiles, so they neither see nor disturb each other's friends, rooms or room limits.
/// </summary>
public sealed class ChatHostFixture : IAsyncLifetime
{
    private ChatHost? _host;

    public ChatHost Host => _host ?? throw new InvalidOperationException("the host is not started");

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
