namespace AkkaChat.Ctl;

using AkkaChat.Ctl.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

/// <summary>
/// <c>akkachat-ctl</c>: the operator's command line, Petabridge.Cmd's cluster and sharding commands plus AkkaChat's own,
/// over a node's <c>/admin</c> endpoints. Tables for people, <c>--json</c> (the endpoint's JSON) for scripts.
/// </summary>
public static class CtlApp
{
    /// <summary>Runs one command line; output goes to <paramref name="console"/>, a failure's one line to <paramref name="errors"/>.</summary>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter errors, HttpMessageHandler? handler = null)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(CtlOutput), new CtlOutput(console, errors, handler));
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("akkachat-ctl");
            config.ConfigureConsole(console);
            config.AddBranch("cluster", cluster =>
            {
                cluster.SetDescription("Cluster members and membership changes.");
                cluster.AddCommand<ClusterShowCommand>("show").WithDescription("Members, leader, and per node its shards, entities and sockets.");
                cluster.AddCommand<ClusterLeaveCommand>("leave").WithDescription("Asks a member to leave the cluster gracefully (its shards move first).");
                cluster.AddCommand<ClusterDownCommand>("down").WithDescription("Marks a member down (for a node that is dead and will not come back).");
                cluster.AddCommand<ClusterJoinCommand>("join").WithDescription("Makes the node asked join the cluster at an address.");
            });
            config.AddBranch("sharding", sharding =>
            {
                sharding.SetDescription("Shard regions and their entities.");
                sharding.AddCommand<ShardingRegionsCommand>("regions").WithDescription("Per entity type and node: shards and live entities.");
                sharding.AddCommand<ShardingRegionStatsCommand>("region-stats").WithDescription("Entities per shard and node for one entity type.");
            });
            config.AddBranch("node", node =>
            {
                node.SetDescription("The node asked.");
                node.AddCommand<NodeStatsCommand>("stats").WithDescription("Sockets, message rates, journal latency, queues, GC and memory.");
            });
            config.AddBranch("user", user =>
            {
                user.SetDescription("One user.");
                user.AddCommand<UserShowCommand>("show").WithDescription("Where the user's entity runs, its open sockets and inbox head.");
            });
            config.AddBranch("room", room =>
            {
                room.SetDescription("One room.");
                room.AddCommand<RoomShowCommand>("show").WithDescription("Where the room's entity runs, its members and head sequence.");
            });
            config.AddBranch("connections", connections =>
            {
                connections.SetDescription("Open WebSockets.");
                connections.AddCommand<ConnectionsListCommand>("list").WithDescription("The sockets open on the node asked.");
                connections.AddCommand<ConnectionsKickCommand>("kick").WithDescription("Closes a user's sockets on every node (1008, \"kicked by an operator\").");
            });
        });
        return app.RunAsync(args);
    }
}

/// <summary>Where a command writes: the console (tables, or JSON with <c>--json</c>), the error writer, and how it reaches a node.</summary>
public sealed record CtlOutput(IAnsiConsole Console, TextWriter Errors, HttpMessageHandler? Handler);
