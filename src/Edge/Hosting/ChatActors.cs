namespace AkkaChat.Edge.Hosting;

using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Sharding;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Transport;
using AkkaChat.Persistence.Serialization;

/// <summary>Akka.Hosting wiring of the whole actor side of a node.</summary>
public static class ChatActors
{
    public const string SystemName = "akkachat";

    public static AkkaConfigurationBuilder AddChatActors(this AkkaConfigurationBuilder builder, ChatOptions options)
    {
        builder
            .AddHocon(NodeAddressConfig(options), HoconAddMode.Prepend)
            .AddHocon(options.Storage.OverrideConfig(), HoconAddMode.Prepend)
            .AddHocon(LoadHocon(options, "akka.conf"), HoconAddMode.Append)
            .AddHocon(LoadHocon(options, "cluster.conf"), HoconAddMode.Append)
            .AddHocon(LoadHocon(options, "sharding.conf"), HoconAddMode.Append)
            .AddHocon(LoadHocon(options, options.Storage.HoconFile), HoconAddMode.Append)
            .AddHocon(options.Storage.ConnectionConfig(), HoconAddMode.Append)
            .AddHocon(ChatSerialization.Config, HoconAddMode.Append);
        if (options.Storage.SqliteConnectionSetup() is { } sqlite) builder.AddSetup(sqlite);

        var settings = options.Settings;
        var shardOptions = new ShardOptions { ShouldPassivateIdleEntities = false, RememberEntities = false, HandOffStopMessage = StopInOrder.Instance };
        IChatTopology? topology = null;
        IChatTopology Topology(ActorSystem system, IActorRegistry registry) => topology ??= new ShardedTopology(system, registry);

        builder
            .WithShardRegion<UserEntity>(ShardTypes.User,
                (system, registry) => id => UserEntity.Props(new UserId(ParseId(id)), Topology(system, registry), settings),
                new UserMessageExtractor(), shardOptions)
            .WithShardRegion<RoomEntity>(ShardTypes.Room,
                (system, registry) => id => RoomEntity.Props(new RoomId(ParseId(id)), Topology(system, registry), settings),
                new RoomMessageExtractor(), shardOptions)
            .WithShardRegion<AccountEntity>(ShardTypes.Account,
                (system, registry) => mobile => AccountEntity.Props(mobile, Topology(system, registry), settings),
                new AccountMessageExtractor(), shardOptions)
            .WithShardRegion<IdBlockEntity>(ShardTypes.IdBlock,
                kind => Props.Create(() => new IdBlockEntity(kind)),
                new IdBlockMessageExtractor(), shardOptions)
            .WithActors((system, registry) =>
            {
                var idBlocks = registry.Get<IdBlockEntity>();
                registry.Register<UserIdLeaserKey>(system.ActorOf(IdLeaser.Props(IdKinds.User, idBlocks, settings.IdBlockSize), "user-ids"));
                registry.Register<RoomIdLeaserKey>(system.ActorOf(IdLeaser.Props(IdKinds.Room, idBlocks, settings.IdBlockSize), "room-ids"));
                registry.Register<RoomFanoutKey>(system.ActorOf(
                    Props.Create(() => new RoomFanoutActor(registry.Get<UserEntity>(), registry.Get<RoomEntity>(), Cluster.Get(system).SelfAddress)),
                    ShardTypes.RoomFanoutName));
            })
            .AddStartup((system, _) =>
            {
                // The embedded default: with no seed nodes, this node forms a cluster of one.
                var cluster = Cluster.Get(system);
                if (options.SeedNodes.Count == 0) cluster.Join(cluster.SelfAddress);
                else cluster.JoinSeedNodes(options.SeedNodes.Select(Address.Parse));
            });
        return builder;
    }

    private static long ParseId(string id) => long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture);

    private static Config LoadHocon(ChatOptions options, string file) =>
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(options.HoconDir, file)));

    private static Config NodeAddressConfig(ChatOptions options) => ConfigurationFactory.ParseString($"""
        akka.remote.dot-netty.tcp.hostname = "{options.Bind}"
        akka.remote.dot-netty.tcp.port = {options.RemotePort}
        {(options.SbrStableAfter is { } stable ? $"akka.cluster.split-brain-resolver.stable-after = {(long)stable.TotalMilliseconds}ms" : "")}
        """);
}
