namespace AkkaChat.Persistence.Tests.Serialization;

using System.Diagnostics;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using AkkaChat.Persistence.Serialization;
using Xunit.Abstractions;

/// <summary>
/// What the cluster serializer costs for the messages of a 1:1 and a room message, against Akka's default JSON serializer
/// for the same message: bytes (asserted smaller) and time per serialize and deserialize (printed; docs/BENCHMARKS.md).
/// The system has a remote provider, as a node does, so actor references resolve through Akka.Remote's cache.
/// Each figure is the median of rounds that alternate between the serializers, so a shared machine's load shifts both alike.
/// </summary>
public sealed class ClusterMessageCost(ITestOutputHelper output) : TestKit(RemoteConfig, output: output)
{
    private const int Rounds = 9;
    private const int Iterations = 1_000;

    private static readonly Akka.Configuration.Config RemoteConfig = Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        """).WithFallback(ChatSerialization.Config);

    public static TheoryData<string> Messages => ["SendDirect", "StoreIncomingDirect", "PushDirect", "RoomMessagePublished"];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Cluster_serializer_writes_fewer_bytes_than_json_and_reports_its_time(string name)
    {
        var message = Sample(name, TestActor);
        var cluster = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(message));
        var json = new NewtonSoftJsonSerializer((ExtendedActorSystem)Sys);
        var manifest = cluster.Manifest(message);

        var packed = cluster.ToBinary(message);
        var text = json.ToBinary(message);
        var jsonReads = TryRead(() => json.FromBinary(text, message.GetType()));
        var times = Time(
            () => cluster.ToBinary(message),
            () => cluster.FromBinary(packed, manifest),
            () => json.ToBinary(message),
            jsonReads is null ? () => json.FromBinary(text, message.GetType()) : () => text);

        Output!.WriteLine($"| {name} | {packed.Length} | {times[0]:F0} | {times[1]:F0} | {text.Length} | {times[2]:F0} | {jsonReads ?? times[3].ToString("F0", System.Globalization.CultureInfo.InvariantCulture)} |");
        Assert.True(packed.Length < text.Length, $"{name}: {packed.Length} bytes packed, {text.Length} as JSON");
        StructuralAssert.Equivalent(message, cluster.FromBinary(packed, manifest));
    }

    private static object Sample(string name, IActorRef origin)
    {
        var at = new DateTimeOffset(2026, 12, 4, 22, 0, 0, 123, TimeSpan.Zero);
        var payload = new ChatPayload(AkkaChat.Edge.Protocols.Seed000.ChatMedia.Text, "see you at the station at eight, 车站见", "", "", "", 0);
        var (alice, bob) = (new UserId(10_042), new UserId(10_043));
        return name switch
        {
            "SendDirect" => new UserCommands.SendDirect(alice, bob, payload, 17, origin, "c-5f1d2a"),
            "StoreIncomingDirect" => new UserCommands.StoreIncomingDirect(bob, alice, payload, at, 9, 4_611_686_018_427_387_904, "c-5f1d2a"),
            "PushDirect" => new ConnectionPushes.PushDirect(new DirectMessage(311, alice, bob, payload, at, 4_611_686_018_427_387_904, "c-5f1d2a")),
            "RoomMessagePublished" => new RoomMessagePublished(new RoomMessage(new RoomId(117), 5_021, alice, payload, at, 4_611_686_018_427_387_905, "c-5f1d2b"), origin),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    /// <summary>Nanoseconds per call of each action: the median over rounds, each round running every action in turn after a warm-up.</summary>
    private static double[] Time(params Func<object>[] actions)
    {
        var samples = actions.Select(_ => new List<double>()).ToArray();
        foreach (var action in actions)
        {
            for (var i = 0; i < Iterations; i++) action();
        }
        for (var round = 0; round < Rounds; round++)
        {
            for (var a = 0; a < actions.Length; a++)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < Iterations; i++) actions[a]();
                samples[a].Add(clock.Elapsed.TotalNanoseconds / Iterations);
            }
        }
        return [.. samples.Select(s => s.Order().ElementAt(Rounds / 2))];
    }

    /// <summary>Null when Akka's JSON serializer reads the message back, else why it cannot.</summary>
    private static string? TryRead(Func<object> read)
    {
        try
        {
            read();
            return null;
        }
        catch (Exception e)
        {
            return "fails: " + e.GetType().Name;
        }
    }
}
