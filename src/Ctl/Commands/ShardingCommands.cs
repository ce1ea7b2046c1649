namespace AkkaChat.Ctl.Commands;

using System.Text.Json;
using Spectre.Console;

/// <summary><c>sharding regions</c>: per entity type and node, its shards and live entities.</summary>
public sealed class ShardingRegionsCommand(CtlOutput output) : AdminCommand<AdminSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, AdminSettings settings, CancellationToken cancel) =>
        client.GetAsync("/admin/sharding/regions", cancel);

    protected override void Render(JsonElement json, AdminSettings settings)
    {
        var table = Tables.New("Type", "Node", "Shards", "Entities");
        foreach (var region in json.Items("regions"))
        {
            foreach (var node in region.Items("nodes")) table.Row(region.Text("type"), node.Node(), node.Text("shards"), node.Text("entities"));
        }
        Console.Write(table);
    }
}

/// <summary><c>sharding region-stats &lt;type&gt;</c>: entities per shard and node (Akka's GetClusterShardingStats).</summary>
public sealed class ShardingRegionStatsCommand(CtlOutput output) : AdminCommand<EntityTypeSettings>(output)
{
    protected override Task<string> CallAsync(AdminClient client, EntityTypeSettings settings, CancellationToken cancel) =>
        client.GetAsync($"/admin/sharding/regions/{Uri.EscapeDataString(settings.Type)}", cancel);

    protected override void Render(JsonElement json, EntityTypeSettings settings)
    {
        var table = Tables.New("Node", "Shard", "Entities");
        var (shards, entities) = (0, 0);
        foreach (var node in json.Items("nodes"))
        {
            foreach (var shard in node.Items("shards"))
            {
                table.Row(node.Node(), shard.Text("shard"), shard.Text("entities"));
                shards++;
                entities += shard.GetProperty("entities").GetInt32();
            }
        }
        Console.WriteLine($"{json.Text("type")}: {shards} shards, {entities} entities");
        Console.Write(table);
    }
}
