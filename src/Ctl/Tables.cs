namespace AkkaChat.Ctl;

using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

/// <summary>Plain tables of plain text (no markup is read from the data) and the value formats the commands share.</summary>
internal static class Tables
{
    public const string NotMeasured = "n/a";

    public static Table New(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header)));
        return table;
    }

    public static Table Row(this Table table, params string?[] cells)
    {
        table.AddRow([.. cells.Select(c => (IRenderable)new Text(c ?? NotMeasured))]);
        return table;
    }

    /// <summary>Two columns, name and value, for one thing's properties.</summary>
    public static Table Properties(params (string Name, string? Value)[] rows)
    {
        var table = New("", "").HideHeaders();
        foreach (var (name, value) in rows) table.Row(name, value);
        return table;
    }

    /// <summary>A property as text: numbers invariant, null or missing as "n/a" (never a made-up 0).</summary>
    public static string Text(this JsonElement json, params string[] path)
    {
        var value = json;
        foreach (var name in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value)) return NotMeasured;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => NotMeasured,
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            JsonValueKind.Number => value.GetDouble().ToString("0.##", CultureInfo.InvariantCulture),
            JsonValueKind.True => "yes",
            JsonValueKind.False => "no",
            _ => value.GetRawText(),
        };
    }

    public static IEnumerable<JsonElement> Items(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    /// <summary>A node address without its protocol and system name (<c>host:port</c>), for narrow columns.</summary>
    public static string Node(this JsonElement json, string name = "node")
    {
        var address = json.Text(name);
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at >= 0 ? address[(at + 1)..] : address;
    }

    /// <summary>An instant as UTC to the second.</summary>
    public static string Instant(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
            : NotMeasured;
}
