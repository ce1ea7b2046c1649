namespace AkkaChat.Edge.Tests.Ctl;

using AkkaChat.Edge.Tests.Sockets;

/// <summary>
/// The ctl's tables as an operator sees them, pinned against a fresh node whose state the test makes (one user, one
/// socket); ports and times are normalised (<see cref="CtlRunner.Normalised"/>).
/// </summary>
public sealed class CtlGoldenTests : IAsyncLifetime
{
    private ChatHost _host = null!;

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Cluster_show_and_user_show_render_as_tables()
    {
        var user = await _host.NewUserAsync("golden", mobile: "13800000001");
        await using var socket = await user.ConnectAsync();

        var cluster = await CtlRunner.RunAsync(_host, "cluster", "show");
        var shown = await CtlRunner.RunAsync(_host, "user", "show", user.Id());

        Assert.Equal((0, ""), (cluster.Exit, cluster.Errors));
        Assert.Equal(ClusterShow, CtlRunner.Normalised(cluster.Output));
        Assert.Equal((0, ""), (shown.Exit, shown.Errors));
        Assert.Equal(UserShow, CtlRunner.Normalised(shown.Output));
    }

    private const string ClusterShow = """
        seen by akka.tcp://akkachat@127.0.0.1:PPPPP
        leader  akka.tcp://akkachat@127.0.0.1:PPPPP
        ╭─────────────────────────────────────┬────────┬───────────┬───────╮
        │ Member                              │ Status │ Reachable │ Roles │
        ├─────────────────────────────────────┼────────┼───────────┼───────┤
        │ akka.tcp://akkachat@127.0.0.1:PPPPP │ Up     │ yes       │       │
        ╰─────────────────────────────────────┴────────┴───────────┴───────╯
        Per node: open sockets, and live entities/shards of each type
        ╭─────────────────┬─────────┬──────┬──────┬─────────┬─────────╮
        │ Node            │ Sockets │ user │ room │ account │ idblock │
        ├─────────────────┼─────────┼──────┼──────┼─────────┼─────────┤
        │ 127.0.0.1:PPPPP │ 1       │ 1/1  │ 0/0  │ 1/1     │ 1/1     │
        ╰─────────────────┴─────────┴──────┴──────┴─────────┴─────────╯

        """;

    /// <summary>The first user of a fresh node is 10000, in shard 93 (the extractor's hash of its id).</summary>
    private const string UserShow = """
        ╭────────────────────┬─────────────────────────────────────╮
        │ user               │ 10000                               │
        │ node               │ akka.tcp://akkachat@127.0.0.1:PPPPP │
        │ shard              │ 93                                  │
        │ inbox head         │ 0                                   │
        │ delivered through  │ 0                                   │
        │ journal sequence   │ 1                                   │
        │ rooms              │ 0                                   │
        │ friends            │ 0                                   │
        │ registered sockets │ 1                                   │
        ╰────────────────────┴─────────────────────────────────────╯
        ╭─────────────────┬──────────┬─────────────────┬─────────────────────────╮
        │ Node            │ Protocol │ Remote address  │ Opened at               │
        ├─────────────────┼──────────┼─────────────────┼─────────────────────────┤
        │ 127.0.0.1:PPPPP │ seed000  │ 127.0.0.1:PPPPP │ YYYY-MM-DD hh:mm:ss UTC │
        ╰─────────────────┴──────────┴─────────────────┴─────────────────────────╯

        """;
}
