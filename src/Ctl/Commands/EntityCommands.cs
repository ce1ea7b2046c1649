namespace AkkaChat.Ctl.Commands;

using System.Text.Json;
using Spectre.Console;

/// <summary><c>user show &lt;id&gt;</c>: where the user's entity runs, what it holds, and its open sockets by node and protocol.</summary>
public sealed class UserShowCommand(CtlOutput output) : AdminCommand<IdSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, IdSettings settings, CancellationToken cancel) =>
        client.GetAsync($"/admin/users/{settings.Id}", cancel);

    protected override void Render(JsonElement json, IdSettings settings)
    {
        Console.Write(Tables.Properties(
            ("user", json.Text("id")),
            ("node", json.Text("node")),
            ("shard", json.Text("shard")),
            ("inbox head", json.Text("inboxHead")),
            ("delivered through", json.Text("deliveredThrough")),
            ("journal sequence", json.Text("journalSequence")),
            ("rooms", json.Text("rooms")),
            ("friends", json.Text("friends")),
            ("registered sockets", json.Text("registeredSockets"))));
        var sockets = Tables.New("Node", "Protocol", "Remote address", "Opened at");
        foreach (var s in json.Items("sockets")) sockets.Row(s.Node(), s.Text("protocol"), s.Text("remoteAddress"), s.Instant("openedAt"));
        Console.Write(sockets);
        foreach (var node in json.Items("unanswered")) Console.WriteLine($"node {node.GetString()} did not answer: its sockets are not listed");
    }
}

/// <summary><c>room show &lt;id&gt;</c>: where the room's entity runs, its members and head sequence.</summary>
public sealed class RoomShowCommand(CtlOutput output) : AdminCommand<IdSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, IdSettings settings, CancellationToken cancel) =>
        client.GetAsync($"/admin/rooms/{settings.Id}", cancel);

    protected override void Render(JsonElement json, IdSettings settings) =>
        Console.Write(Tables.Properties(
            ("room", json.Text("id")),
            ("name", json.Text("name")),
            ("owner", json.Text("owner")),
            ("node", json.Text("node")),
            ("shard", json.Text("shard")),
            ("members", json.Text("members")),
            ("head sequence", json.Text("head"))));
}
