namespace AkkaChat.Edge.Http;

using System.Globalization;
using System.Text.Json;

/// <summary>
/// The fields of an API request, from a form body (urlencoded or multipart) or a JSON object body,
/// with the validation every endpoint shares. A <see cref="FieldError"/> becomes a <c>code:-1</c> reply.
/// </summary>
public sealed class RequestFields
{
    /// <summary>Largest id a browser can hold exactly (2^53 - 1); the seed client parses ids with parseInt.</summary>
    public const long MaxId = (1L << 53) - 1;

    private readonly Dictionary<string, string> _values;

    private RequestFields(Dictionary<string, string> values) => _values = values;

    public static async Task<RequestFields> ReadAsync(HttpRequest request)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form) values[key] = value.ToString();
        }
        else if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 4 });
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FieldError("the JSON body must be an object");
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    values[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }
            catch (JsonException e)
            {
                throw new FieldError("malformed JSON body: " + e.Message);
            }
        }
        return new RequestFields(values);
    }

    public string? Optional(string name, int maxLength)
    {
        if (!_values.TryGetValue(name, out var value)) return null;
        value = value.Trim();
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

    public long? OptionalId(string name)
    {
        var value = Optional(name, 20);
        if (string.IsNullOrEmpty(value)) return null;
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0 || id > MaxId)
            throw new FieldError($"{name} must be a positive whole number");
        return id;
    }

    public int OptionalInt(string name, int fallback)
    {
        var value = Optional(name, 11);
        if (string.IsNullOrEmpty(value)) return fallback;
        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw new FieldError($"{name} must be a whole number");
    }
}

/// <summary>A request field is missing or malformed; the message says which and why.</summary>
public sealed class FieldError(string message) : Exception(message);
