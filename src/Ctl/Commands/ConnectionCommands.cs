namespace AkkaChat.Ctl.Commands;

using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

/// <summary><c>connections list</c>: the sockets open on the node asked, oldest first.</summary>
public sealed class ConnectionsListCommand(CtlOutput output) : AdminCommand<AdminSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, AdminSettings settings, CancellationToken cancel) =>
        client.GetAsync("/admin/connections", cancel);

    protected override void Render(JsonElement json, AdminSettings settings)
    {
        var connections = json.Items("connections").ToList();
        Console.WriteLine($"{connections.Count} sockets open on {json.Text("node")}");
        var table = Tables.New("User", "Protocol", "Remote address", "Opened at");
        foreach (var c in connections) table.Row(c.Text("user"), c.Text("protocol"), c.Text("remoteAddress"), c.Instant("openedAt"));
        Console.Write(table);
    }
}

/// <summary><c>connections kick &lt;user&gt;</c>: closes the user's sockets on every node with 1008 "kicked by an operator".</summary>
public sealed class ConnectionsKickCommand(CtlOutput output) : AdminCommand<ConnectionsKickCommand.Settings>(output)
{
    public sealed class Settings : AdminSettings
    {
        [CommandArgument(0, "<USER>")]
        [Description("The user id whose sockets to close.")]
        public long User { get; init; }
    }

    protected override Task<string> CallAsync(AdminClient client, Settings settings, CancellationToken cancel) =>
        client.PostAsync("/admin/connections/kick", new { user = settings.User }, cancel);

    protected override void Render(JsonElement json, Settings settings)
    {
        Console.WriteLine($"closed {json.Text("closed")} sockets of user {json.Text("user")}");
        foreach (var node in json.Items("nodes")) Console.WriteLine($"  {node.Text("node")}: {node.Text("closed")}");
        foreach (var node in json.Items("unanswered")) Console.WriteLine($"  {node.GetString()}: did not answer; its sockets may still be open");
    }
}
