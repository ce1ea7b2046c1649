namespace AkkaChat.Edge.Tests.Http;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>Reads and checks the seed-000 reply envelope.</summary>
public static class Envelope
{
    /// <summary>Largest id a browser holds exactly.</summary>
    public const long MaxSafeId = (1L << 53) - 1;

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> PostFormAsync(HttpClient http, string path, params (string Key, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        using var response = await http.PostAsync(path, content);
        return await ReadAsync(response);
    }

    public static async Task<JsonElement> PostJsonAsync(HttpClient http, string path, object body)
    {
        using var content = JsonContent.Create(body);
        using var response = await http.PostAsync(path, content);
        return await ReadAsync(response);
    }

    /// <summary>Asserts <c>{"code":0,"msg":"","data":…}</c> and returns the data.</summary>
    public static JsonElement Data(JsonElement envelope)
    {
        if (envelope.GetProperty("code").GetInt32() != 0) Assert.Fail("expected success, got " + envelope);
        Assert.Equal("", envelope.GetProperty("msg").GetString());
        Assert.True(envelope.TryGetProperty("data", out var data), "no data in " + envelope);
        return data;
    }

    /// <summary>Asserts <c>{"code":0,"msg":"","rows":[…],"total":N}</c> with N equal to the row count, and returns the rows.</summary>
    public static JsonElement[] Rows(JsonElement envelope)
    {
        if (envelope.GetProperty("code").GetInt32() != 0) Assert.Fail("expected a list, got " + envelope);
        Assert.Equal("", envelope.GetProperty("msg").GetString());
        Assert.Equal(JsonValueKind.Array, envelope.GetProperty("rows").ValueKind);
        var rows = envelope.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(rows.Length, envelope.GetProperty("total").GetInt32());
        return rows;
    }

    /// <summary>Asserts <c>{"code":-1,"msg":"&lt;reason&gt;"}</c> with a non-blank reason and no data, and returns the reason.</summary>
    public static string Refusal(JsonElement envelope)
    {
        if (envelope.GetProperty("code").GetInt32() != -1) Assert.Fail("expected a refusal, got " + envelope);
        var msg = envelope.GetProperty("msg").GetString();
        Assert.False(string.IsNullOrWhiteSpace(msg), "a refusal needs a reason: " + envelope);
        Assert.False(envelope.TryGetProperty("data", out _), "a refusal carries no data: " + envelope);
        Assert.False(envelope.TryGetProperty("rows", out _), "a refusal carries no rows: " + envelope);
        return msg!;
    }

    /// <summary>Asserts the envelope is a refusal whose reason mentions <paramref name="expected"/> (case-insensitive).</summary>
    public static void RefusedWith(JsonElement envelope, string expected) =>
        Assert.Contains(expected, Refusal(envelope), StringComparison.OrdinalIgnoreCase);

    /// <summary>A user id as the API must send it: a JSON number, positive and exact in a browser.</summary>
    public static long Id(JsonElement element)
    {
        Assert.Equal(JsonValueKind.Number, element.ValueKind);
        var id = element.GetInt64();
        Assert.InRange(id, 1, MaxSafeId);
        return id;
    }
}
