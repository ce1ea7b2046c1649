namespace AkkaChat.Cluster.Tests;

using AkkaChat.Edge.Tests.Protocols.Seed003;

/// <summary>
/// A seed-003 device has one connection in the whole cluster (PROTOCOL.md §4): the same (user, device) signing on another
/// node closes the connection signed earlier (1008 with its reason; TCP: ended), and the later one stays. The user's
/// entity decides, as it sees the user's connections on every node.
/// </summary>
public sealed class DeviceAcrossNodesTests
{
    private const string Reason = "signed in again from another connection of the same device";
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_same_device_signing_on_another_node_closes_the_connection_on_the_first()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        // The entity on b: over /ws the first connection is a's (the entity's push to it crosses nodes), over TCP it is b's
        // (the later connection's registration, with its device and sign time, crosses nodes).
        var user = await Traffic.UserHostedOnAsync(cluster, b);
        var cases = new[] { (Transport: Seed003Transport.WebSocket, Device: 1L, First: a, Then: b), (Transport: Seed003Transport.Tcp, Device: 2L, First: b, Then: a) };

        foreach (var (transport, device, first, then) in cases)
        {
            await using var earlier = await SignedAsync(cluster, first, transport, user, device);
            await using var otherDevice = await SignedAsync(cluster, first, transport, user, device + 10);
            await using var later = await SignedAsync(cluster, then, transport, user, device);

            var (code, reason) = await earlier.WaitClosedAsync(CloseWait);
            if (transport == Seed003Transport.WebSocket)
            {
                Assert.Equal(1008, code);
                Assert.Equal(Reason, reason);
            }
            await later.HeartbeatAsync();
            await otherDevice.HeartbeatAsync();
            await later.AssertSilentAsync(Quiet.AcrossNodes);
            Assert.False(otherDevice.IsClosed, $"{otherDevice.Label} was closed");
        }
    }

    /// <summary>A signed connection of <paramref name="user"/>'s <paramref name="device"/> to <paramref name="node"/>; a heartbeat's reply shows it is registered.</summary>
    private static async Task<Seed003Client> SignedAsync(TestCluster cluster, ChatProcess node, Seed003Transport transport, ClusterUser user, long device)
    {
        var label = $"user {user.Id} device {device} on {node.BaseUri} ({transport})";
        var client = transport == Seed003Transport.WebSocket
            ? await Seed003Client.ConnectWebSocketAsync(node.BaseUri, label)
            : await Seed003Client.ConnectTcpAsync(cluster.TcpPortOf(node), label);
        try
        {
            await client.SignAsync(user.Id, user.Token, device);
            await client.HeartbeatAsync();
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}
