namespace AkkaChat.Cluster.Tests;

using System.Globalization;

/// <summary>
/// Registrations arrive on all three nodes at once, some for the same mobile on two nodes: every user id is
/// unique (each node leases its own id blocks), each mobile belongs to one user, and no registration is left half
/// done (every account logs in and its profile is found through every node).
/// </summary>
public sealed class RegistrationTests
{
    private const int UniqueMobiles = 24;
    private const int ContestedMobiles = 6;

    [Fact]
    public async Task Concurrent_registrations_on_every_node_get_unique_ids_and_mobiles_and_finish()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var unique = Enumerable.Range(0, UniqueMobiles).Select(i => (Mobile: ClusterUser.NewMobile(), Node: cluster.Nodes[i % 3])).ToList();
        var contested = Enumerable.Range(0, ContestedMobiles).Select(_ => ClusterUser.NewMobile()).ToList();
        var attempts = unique
            .Concat(contested.SelectMany((m, i) => new[] { (Mobile: m, Node: cluster.Nodes[i % 3]), (Mobile: m, Node: cluster.Nodes[(i + 1) % 3]) }))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        var replies = await Task.WhenAll(attempts.Select(async attempt =>
            (attempt.Mobile, Reply: await ClusterUser.PostFormAsync(attempt.Node, "/user/register", null, ("mobile", attempt.Mobile), ("passwd", "secret123")))));

        Assert.DoesNotContain(replies, r => r.Reply.ToString().Contains("busy", StringComparison.Ordinal));
        var registered = replies.Where(r => r.Reply.GetProperty("code").GetInt32() == 0)
            .Select(r => (r.Mobile, Id: r.Reply.GetProperty("data").GetProperty("id").GetInt64()))
            .ToList();
        // One winner per mobile: the loser of a contested pair is refused.
        Assert.Equal(UniqueMobiles + ContestedMobiles, registered.Count);
        Assert.Equal(UniqueMobiles + ContestedMobiles, registered.Select(r => r.Mobile).Distinct().Count());
        Assert.Equal(registered.Count, registered.Select(r => r.Id).Distinct().Count());

        // Nothing half done: every account logs in with its id, and its profile is found through every node.
        foreach (var (mobile, id) in registered)
        {
            var user = await ClusterUser.LogInAsync(cluster.Nodes[(int)(id % 3)], mobile);
            Assert.Equal(id, user.Id);
            foreach (var node in cluster.Nodes) await user.OkAsync(node, "/user/find", ("id", id.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
