namespace AkkaChat.Ctl.Commands;

using System.Text.Json;
using Spectre.Console;

/// <summary><c>cluster show</c>: members and their status, then per reachable node its entities and sockets.</summary>
public sealed class ClusterShowCommand(CtlOutput output) : AdminCommand<AdminSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, AdminSettings settings, CancellationToken cancel) =>
        client.GetAsync("/admin/cluster", cancel);

    protected override void Render(JsonElement json, AdminSettings settings)
    {
        Console.WriteLine($"seen by {json.Text("self")}");
        Console.WriteLine($"leader  {json.Text("leader")}");
        var members = Tables.New("Member", "Status", "Reachable", "Roles");
        foreach (var m in json.Items("members"))
            members.Row(m.Text("address"), m.Text("status"), m.Text("unreachable") == "yes" ? "UNREACHABLE" : "yes", string.Join(",", m.Items("roles").Select(r => r.GetString())));
        Console.Write(members);

        var types = json.Items("nodes").SelectMany(n => n.TryGetProperty("entities", out var e) ? e.EnumerateObject().Select(p => p.Name) : []).Distinct().ToList();
        Console.WriteLine("Per node: open sockets, and live entities/shards of each type");
        var nodes = Tables.New(["Node", "Sockets", .. types]);
        foreach (var n in json.Items("nodes"))
        {
            var sockets = n.TryGetProperty("sockets", out var s) && s.TryGetInt32(out var count) && count >= 0 ? n.Text("sockets") : Tables.NotMeasured;
            nodes.Row([n.Node("address"), sockets, .. types.Select(t => $"{n.Text("entities", t, "entities")}/{n.Text("entities", t, "shards")}")]);
        }
        Console.Write(nodes);
    }
}

/// <summary><c>cluster leave &lt;address&gt;</c>: Akka.Cluster's graceful Leave of a member.</summary>
public sealed class ClusterLeaveCommand(CtlOutput output) : MembershipCommand(output, "leave");

/// <summary><c>cluster down &lt;address&gt;</c>: Akka.Cluster's Down of a member.</summary>
public sealed class ClusterDownCommand(CtlOutput output) : MembershipCommand(output, "down");

/// <summary><c>cluster join &lt;address&gt;</c>: the node asked joins the cluster at the address.</summary>
public sealed class ClusterJoinCommand(CtlOutput output) : MembershipCommand(output, "join");

public abstract class MembershipCommand(CtlOutput output, string action) : AdminCommand<AddressSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, AddressSettings settings, CancellationToken cancel) =>
        client.PostAsync($"/admin/cluster/{action}", new { address = settings.Address }, cancel);

    protected override void Render(JsonElement json, AddressSettings settings) =>
        Console.WriteLine($"{action} requested for {json.Text("address")}; follow it with: akkachat-ctl cluster show");
}
