namespace AkkaChat.Edge.Http;

using System.Text.Json;
using System.Text.Json.Serialization;
using AkkaChat.Core.Chat;
using AkkaChat.Edge.Operations;

/// <summary>
/// The seed-000 reply envelope, with HTTP 200 (the seed client ignores any other status):
/// <c>{"code":0,"msg":"","data":…}</c>, <c>{"code":-1,"msg":"…"}</c>, or <c>{"code":0,"rows":[…],"total":N}</c>.
/// Only a rate-limit refusal differs: HTTP 429 with <c>Retry-After</c>, and the same <c>code:-1</c> envelope.
/// </summary>
public static class ApiReply
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = new LowerCaseNamingPolicy(),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object? data) => Results.Json(new Envelope(0, "", data, null, null), Json);

    public static IResult Rows<T>(IReadOnlyList<T> rows) => Results.Json(new Envelope(0, "", null, rows, rows.Count), Json);

    public static IResult Fail(string message)
    {
        ChatMetrics.Refusal(ChatMetrics.HttpRefusal);
        return Results.Json(new Envelope(-1, message, null, null, null), Json);
    }

    /// <summary>HTTP 429 with <c>Retry-After</c> (whole seconds, at least 1) and the refusal envelope.</summary>
    public static IResult Throttled(HttpResponse response, string message, TimeSpan retryAfter)
    {
        ChatMetrics.Refusal(ChatMetrics.HttpRefusal);
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new Envelope(-1, $"{message}: try again in {seconds} s", null, null, null), Json, statusCode: StatusCodes.Status429TooManyRequests);
    }

    public static UserView View(PublicProfile p) => new(p.Id.Value, p.Nickname, p.Avatar, p.Sex, p.Memo, p.CreatedAt.ToUnixTimeMilliseconds());

    public static RoomView View(RoomProfile r) => new(r.Id.Value, r.OwnerId.Value, r.Name, r.Icon, r.Memo, r.Cate, r.CreatedAt.ToUnixTimeMilliseconds());

    private sealed record Envelope(int Code, string Msg, object? Data, object? Rows, int? Total);

    private sealed class LowerCaseNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}

/// <summary>A user as the API shows it. <see cref="Mobile"/> and <see cref="Token"/> only ever appear for the caller themself.</summary>
public sealed record UserView(long Id, string Nickname, string Avatar, string Sex, string Memo, long CreateAt)
{
    public string? Mobile { get; init; }
    public string? Token { get; init; }
}

public sealed record RoomView(long Id, long OwnerId, string Name, string Icon, string Memo, int Cate, long CreateAt);
