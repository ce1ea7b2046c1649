namespace AkkaChat.Cluster.Tests;

using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using AkkaChat.Ctl;
using Spectre.Console.Testing;

/// <summary>
/// akkachat-ctl against a real two-node cluster (processes, PostgreSQL): one admin token for both nodes, a user's socket
/// on one node seen and kicked through the other, and a graceful leave.
/// </summary>
public sealed class CtlClusterTests
{
    [Fact]
    public async Task The_ctl_sees_and_acts_on_both_nodes_through_either()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        Assert.Equal(TestCluster.AdminTokenOf(a), TestCluster.AdminTokenOf(b));

        var shown = await CtlAsync(a, "cluster", "show");
        Assert.Equal(0, shown.Exit);
        Assert.Contains(TestCluster.AddressOf(a), shown.Output);
        Assert.Contains(TestCluster.AddressOf(b), shown.Output);
        var members = JsonDocument.Parse((await CtlAsync(b, "cluster", "show", "--json")).Output).RootElement.GetProperty("members");
        Assert.Equal(2, members.GetArrayLength());

        var user = await ClusterUser.SignUpAsync(a);
        await using var socket = await user.ConnectAsync(b);
        var id = user.Id.ToString(CultureInfo.InvariantCulture);
        var inspected = JsonDocument.Parse((await CtlAsync(a, "user", "show", id, "--json")).Output).RootElement;
        var listed = Assert.Single(inspected.GetProperty("sockets").EnumerateArray());
        Assert.Equal(TestCluster.AddressOf(b), listed.GetProperty("node").GetString());
        Assert.Equal("v2", listed.GetProperty("protocol").GetString());
        Assert.Equal(1, inspected.GetProperty("registeredSockets").GetInt32());

        var kicked = await CtlAsync(a, "connections", "kick", id);
        Assert.Equal(0, kicked.Exit);
        Assert.StartsWith($"closed 1 sockets of user {id}", kicked.Output);
        await Traffic.UntilAsync(() => socket.Closed, TimeSpan.FromSeconds(15), "the kicked socket closed");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);

        var pid = b.Pid;
        var left = await CtlAsync(a, "cluster", "leave", TestCluster.AddressOf(b));
        Assert.Equal(0, left.Exit);
        await cluster.AwaitMembersUpAsync(1, TimeSpan.FromSeconds(60), a);
        await Traffic.UntilAsync(() => Exited(pid), TimeSpan.FromSeconds(60), "the node that left exits");
    }

    private static bool Exited(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static async Task<(int Exit, string Output, string Errors)> CtlAsync(ChatProcess via, params string[] args)
    {
        var console = new TestConsole().Width(250);
        var errors = new StringWriter();
        var exit = await CtlApp.RunAsync([.. args, "--server", via.BaseUri.ToString(), "--data-dir", via.DataDir], console, errors);
        return (exit, console.Output, errors.ToString());
    }
}
