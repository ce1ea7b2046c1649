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
        var unique = Enumerable.Range(0, UniqueMobiles).Select(i => (Mobile: ChatSteps.NewMobile(), Node: cluster.Nodes[i % 3])).ToList();
        var contested = Enumerable.Range(0, ContestedMobiles).Select(_ => ChatSteps.NewMobile()).ToList();
        var attempts = unique
            .Concat(contested.SelectMany((m, i) => new[] { (Mobile: m, Node: cluster.Nodes[i % 3]), (Mobile: m, Node: cluster.Nodes[(i + 1) % 3]) }))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        var replies = await Task.WhenAll(attempts.Select(async attempt =>
            (attempt.Mobile, Reply: await ClusterUser.PostFormAsync(attempt.Node, "/user/register", null, ("mobile", attempt.Mobile), ("passwd", "secret123")))));

        // A "busy" answer (the ask timed out on a busy box) leaves the outcome unknown to the client, which tries
        // again; it must never leave an account without its user, nor give a mobile two users.
        var registered = replies.Where(r => r.Reply.GetProperty("code").GetInt32() == 0)
            .Select(r => (r.Mobile, Id: r.Reply.GetProperty("data").GetProperty("id").GetInt64()))
            .ToList();
        Assert.Equal(registered.Count, registered.Select(r => r.Mobile).Distinct().Count());
        Assert.Equal(registered.Count, registered.Select(r => r.Id).Distinct().Count());

        // Nothing half done: every mobile ends with one user (a client whose answer was lost registers again), and
        // its profile is found through every node.
        var ids = new Dictionary<string, long>();
        foreach (var mobile in unique.Select(u => u.Mobile).Concat(contested))
        {
            var node = cluster.Nodes[ids.Count % 3];
            var login = await ClusterUser.PostFormAsync(node, "/user/login", null, ("mobile", mobile), ("passwd", "secret123"));
            if (login.GetProperty("code").GetInt32() != 0)
                Assert.Equal(0, (await ClusterUser.PostFormAsync(node, "/user/register", null, ("mobile", mobile), ("passwd", "secret123"))).GetProperty("code").GetInt32());
            var user = await ClusterUser.LogInAsync(node, mobile);
            ids[mobile] = user.Id;
            foreach (var n in cluster.Nodes) await user.OkAsync(n, "/user/find", ("id", user.Id.ToString(CultureInfo.InvariantCulture)));
        }
        Assert.Equal(UniqueMobiles + ContestedMobiles, ids.Values.Distinct().Count());
        Assert.All(registered, r => Assert.Equal(r.Id, ids[r.Mobile]));
    }
}
