namespace AkkaChat.Ctl;

using System.ComponentModel;
using Spectre.Console.Cli;

/// <summary>Options every command takes: which node, which token, and the output format.</summary>
public class AdminSettings : CommandSettings
{
    [CommandOption("--server <URL>")]
    [Description("The node's HTTP address (default: AKKACHAT_CTL_SERVER or http://127.0.0.1:8080).")]
    public string? Server { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("The admin token (default: AKKACHAT_ADMIN_TOKEN, else the file admin.token in --data-dir).")]
    public string? Token { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("The node's data directory, whose admin.token is read when no token is given (default: ./data).")]
    public string? DataDir { get; init; }

    [CommandOption("--json")]
    [Description("Print the endpoint's JSON instead of tables.")]
    public bool Json { get; init; }
}

public sealed class AddressSettings : AdminSettings
{
    [CommandArgument(0, "<ADDRESS>")]
    [Description("A node address such as akka.tcp://akkachat@127.0.0.1:4053.")]
    public string Address { get; init; } = "";
}

public sealed class EntityTypeSettings : AdminSettings
{
    [CommandArgument(0, "<TYPE>")]
    [Description("An entity type: user, room, account or idblock.")]
    public string Type { get; init; } = "";
}

public sealed class IdSettings : AdminSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The numeric id.")]
    public long Id { get; init; }
}
