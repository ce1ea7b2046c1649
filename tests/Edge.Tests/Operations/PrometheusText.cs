namespace AkkaChat.Edge.Tests.Operations;

using System.Globalization;
using System.Text;

/// <summary>One sample of a scrape: <c>name{labels} value</c>.</summary>
public sealed record PromSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of the Prometheus text exposition format: every line is blank, a comment (<c># …</c>), or
/// <c>name{label="value",…} value [timestamp]</c>; anything else fails the scrape with the line.
/// </summary>
public static class PrometheusText
{
    public static IReadOnlyList<PromSample> Parse(string text)
    {
        var samples = new List<PromSample>();
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0 || line[0] == '#') continue;
            samples.Add(ParseSample(line) ?? throw new FormatException($"line {number} is not a Prometheus sample: '{line}'"));
        }
        return samples;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every given label (other labels are ignored); null when none does.</summary>
    public static double? Find(this IReadOnlyList<PromSample> samples, string name, params (string Key, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    /// <summary>Like <see cref="Find"/>, with 0 for a series not exported yet (a counter nobody has added to).</summary>
    public static double ValueOrZero(this IReadOnlyList<PromSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Find(name, labels) ?? 0;

    private static PromSample? ParseSample(string line)
    {
        var i = 0;
        if (i >= line.Length || !IsNameStart(line[i])) return null;
        while (i < line.Length && IsNameChar(line[i])) i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }
                var keyStart = i;
                if (i >= line.Length || !IsLabelStart(line[i])) return null;
                while (i < line.Length && IsLabelChar(line[i])) i++;
                var key = line[keyStart..i];
                if (i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"') return null;
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length) return null;
                    var c = line[i++];
                    if (c == '"') break;
                    if (c != '\\')
                    {
                        value.Append(c);
                        continue;
                    }
                    if (i >= line.Length) return null;
                    var escaped = line[i++];
                    value.Append(escaped switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => '\0' });
                    if (escaped is not ('n' or '\\' or '"')) return null;
                }
                if (!labels.TryAdd(key, value.ToString())) return null;
                if (i < line.Length && line[i] == ',') i++;
                else if (i >= line.Length || line[i] != '}') return null;
            }
        }
        if (i >= line.Length || line[i] != ' ') return null;
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || !TryParseValue(rest[0], out var sampleValue)) return null;
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) return null;
        return new PromSample(name, labels, sampleValue);
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';

    private static bool IsLabelStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
