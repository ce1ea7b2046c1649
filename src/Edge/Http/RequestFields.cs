namespace AkkaChat.Edge.Http;

using System.Globalization;
using System.Text.Json;

/// <summary>
/// The fields of an API request, from a form body (urlencoded or multipart) or a JSON object body,
/// with the validation every endpoint shares. A <see cref="FieldError"/> becomes a <c>code:-1</c> reply.
/// Types are checked, never coerced: a text field must be a string (in JSON, a JSON string), an id is written
/// in plain decimal digits (in JSON, a number or such a string); a JSON <c>null</c> counts as absent.
/// </summary>
public sealed class RequestFields
{
    /// <summary>Largest id a browser can hold exactly (2^53 - 1); the seed client parses ids with parseInt.</summary>
    public const long MaxId = (1L << 53) - 1;

    /// <summary>How deeply a JSON body may nest; the API's fields are flat, so a little room is plenty.</summary>
    public const int MaxJsonDepth = 4;

    private readonly Dictionary<string, Field> _values;

    private RequestFields(Dictionary<string, Field> values) => _values = values;

    /// <summary>One field's text and what it was sent as (form values are always strings).</summary>
    private readonly record struct Field(string Text, JsonValueKind Kind);

    public static async Task<RequestFields> ReadAsync(HttpRequest request)
    {
        var values = new Dictionary<string, Field>(StringComparer.OrdinalIgnoreCase);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form) values[key] = new Field(value.ToString(), JsonValueKind.String);
        }
        else if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FieldError("the JSON body must be an object");
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Null) continue;
                    values[p.Name] = new Field(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), p.Value.ValueKind);
                }
            }
            catch (JsonException e)
            {
                throw new FieldError("malformed JSON body: " + e.Message);
            }
            catch (InvalidOperationException)
            {
                // Thrown for a name or string that is not valid UTF-8 (the parser leaves string contents to the reader).
                throw new FieldError("malformed JSON body: it is not valid UTF-8");
            }
        }
        return new RequestFields(values);
    }

    /// <summary>A text field, trimmed; null when absent. Anything but a string (a JSON number, array, object, boolean) is refused.</summary>
    public string? Optional(string name, int maxLength)
    {
        if (!_values.TryGetValue(name, out var field)) return null;
        if (field.Kind != JsonValueKind.String) throw new FieldError($"{name} must be a string, not {Describe(field.Kind)}");
        var value = field.Text.Trim();
        if (value.Length > maxLength) throw new FieldError($"{name} is too long (at most {maxLength} characters)");
        return value;
    }

    public string Text(string name, int maxLength) => Optional(name, maxLength) ?? "";

    public string Required(string name, int maxLength)
    {
        var value = Optional(name, maxLength);
        return string.IsNullOrEmpty(value) ? throw new FieldError($"{name} is required") : value;
    }

    public long RequiredId(string name) => OptionalId(name) ?? throw new FieldError($"{name} is required");

    /// <summary>An id: 1 to 2^53 - 1 in plain digits (no sign, spaces or leading zeros), as a string or a JSON number; null when absent or empty.</summary>
    public long? OptionalId(string name)
    {
        if (Number(name) is not { } value) return null;
        if (!IsCanonicalId(value, out var id)) throw new FieldError($"{name} must be a positive whole number below 2^53 in plain digits (no sign, spaces or leading zeros)");
        return id;
    }

    public int OptionalInt(string name, int fallback)
    {
        if (Number(name) is not { } value) return fallback;
        var digits = value.StartsWith('-') ? value.AsSpan(1) : value.AsSpan();
        var canonical = digits.Length is > 0 and <= 10 && !(digits.Length > 1 && digits[0] == '0') && !digits.ContainsAnyExcept("0123456789");
        return canonical && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FieldError($"{name} must be a whole number in plain digits");
    }

    /// <summary>Whether <paramref name="value"/> is an id written the one way the API writes ids.</summary>
    public static bool IsCanonicalId(ReadOnlySpan<char> value, out long id)
    {
        id = 0;
        if (value.Length is 0 or > 16 || value[0] == '0' || value.ContainsAnyExcept("0123456789")) return false;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= MaxId;
    }

    /// <summary>The untrimmed text of a field that may be a JSON number or a string; null when absent or empty.</summary>
    private string? Number(string name)
    {
        if (!_values.TryGetValue(name, out var field)) return null;
        if (field.Kind is not (JsonValueKind.String or JsonValueKind.Number)) throw new FieldError($"{name} must be a number, not {Describe(field.Kind)}");
        return field.Text.Length == 0 ? null : field.Text;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "a string",
    };
}

/// <summary>A request field is missing or malformed; the message says which and why.</summary>
public sealed class FieldError(string message) : Exception(message);
