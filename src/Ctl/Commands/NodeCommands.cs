namespace AkkaChat.Ctl.Commands;

using System.Globalization;
using System.Text.Json;
using Spectre.Console;

/// <summary><c>node stats</c>: the node's own figures (<c>GET /admin/node</c>); a value the node has not measured shows as "n/a".</summary>
public sealed class NodeStatsCommand(CtlOutput output) : AdminCommand<AdminSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, AdminSettings settings, CancellationToken cancel) =>
        client.GetAsync("/admin/node", cancel);

    protected override void Render(JsonElement json, AdminSettings settings)
    {
        Console.WriteLine($"Node {json.Text("node")}, up {json.Text("uptimeSeconds")} s");

        var sockets = Tables.New("Protocol", "Open sockets");
        if (json.TryGetProperty("sockets", out var byProtocol) && byProtocol.ValueKind == JsonValueKind.Object)
        {
            foreach (var protocol in byProtocol.EnumerateObject()) sockets.Row(protocol.Name, byProtocol.Text(protocol.Name));
        }
        Console.Write(sockets);

        Console.Write(Tables.New("Messages", "Total", "Per second (last ~10 s)")
            .Row("received", json.Text("messages", "receivedTotal"), json.Text("messages", "receivedPerSecond"))
            .Row("delivered", json.Text("messages", "deliveredTotal"), json.Text("messages", "deliveredPerSecond"))
            .Row("stored", json.Text("messages", "storedTotal"), json.Text("messages", "storedPerSecond")));

        Console.Write(Tables.Properties(
            ("journal commits", json.Text("journal", "commits")),
            ("journal commit p50", Unit(json.Text("journal", "commitP50Ms"), "ms")),
            ("journal commit p99", Unit(json.Text("journal", "commitP99Ms"), "ms")),
            ("outbound frames queued", json.Text("queues", "outboundFrames")),
            ("GC collections gen0/1/2", $"{json.Text("runtime", "gen0")}/{json.Text("runtime", "gen1")}/{json.Text("runtime", "gen2")}"),
            ("GC pause", Unit(json.Text("runtime", "gcPausePercent"), "%")),
            ("heap", Bytes(json, "heapBytes")),
            ("working set", Bytes(json, "workingSetBytes")),
            ("CPU time", Unit(json.Text("runtime", "cpuSeconds"), "s")),
            ("thread-pool queue", json.Text("runtime", "threadPoolQueue"))));
    }

    private static string Unit(string value, string unit) => value == Tables.NotMeasured ? value : $"{value} {unit}";

    private static string Bytes(JsonElement json, string name) =>
        json.TryGetProperty("runtime", out var runtime) && runtime.TryGetProperty(name, out var value) && value.TryGetInt64(out var bytes)
            ? (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB"
            : Tables.NotMeasured;
}
