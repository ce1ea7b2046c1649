namespace AkkaChat.Cluster.Tests;

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>A registered, logged-in user; every call names the node it goes through.</summary>
public sealed record ClusterUser(long Id, string Mobile, string Token)
{
    public static string NewMobile() => "1" + Random.Shared.NextInt64(1_000_000_000, 10_000_000_000).ToString(CultureInfo.InvariantCulture);

    public static async Task<ClusterUser> SignUpAsync(ChatProcess via, string? mobile = null)
    {
        mobile ??= NewMobile();
        var registered = await PostFormAsync(via, "/user/register", null, ("mobile", mobile), ("passwd", "secret123"));
        Assert.True(registered.GetProperty("code").GetInt32() == 0, $"register through {via.BaseUri}: {registered}");
        return await LogInAsync(via, mobile);
    }

    public static async Task<ClusterUser> LogInAsync(ChatProcess via, string mobile)
    {
        var login = await PostFormAsync(via, "/user/login", null, ("mobile", mobile), ("passwd", "secret123"));
        Assert.True(login.GetProperty("code").GetInt32() == 0, $"login through {via.BaseUri}: {login}");
        var data = login.GetProperty("data");
        return new ClusterUser(data.GetProperty("id").GetInt64(), mobile, data.GetProperty("token").GetString()!);
    }

    /// <summary>Posts as this user and asserts success; returns the envelope.</summary>
    public async Task<JsonElement> OkAsync(ChatProcess via, string path, params (string Key, string Value)[] fields)
    {
        var reply = await PostFormAsync(via, path, Token, fields);
        Assert.True(reply.GetProperty("code").GetInt32() == 0, $"{path} through {via.BaseUri}: {reply}");
        return reply;
    }

    public Task<V2Peer> ConnectAsync(ChatProcess via) => V2Peer.ConnectAsync(via.BaseUri, Id, Token);

    public static async Task<JsonElement> PostFormAsync(ChatProcess via, string path, string? token, params (string Key, string Value)[] fields)
    {
        using var http = new HttpClient { BaseAddress = via.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
