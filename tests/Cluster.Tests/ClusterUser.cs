namespace AkkaChat.Cluster.Tests;

using System.Net.Http.Json;
using System.Text.Json;

/// <summary>A registered, logged-in user; every call names the node it goes through.</summary>
public sealed record ClusterUser(long Id, string Mobile, string Token)
{
    /// <summary>Registers and logs in through <paramref name="via"/> (a random mobile unless given), as every test makes a user.</summary>
    public static async Task<ClusterUser> SignUpAsync(ChatProcess via, string? mobile = null)
    {
        using var client = await via.NewUserAsync(mobile: mobile);
        return new ClusterUser(client.UserId, client.Mobile, client.Token);
    }

    public static async Task<ClusterUser> LogInAsync(ChatProcess via, string mobile)
    {
        using var client = via.NewClient();
        await client.LogInAsync(mobile);
        return new ClusterUser(client.UserId, mobile, client.Token);
    }

    /// <summary>Posts as this user and asserts success; returns the envelope.</summary>
    public async Task<JsonElement> OkAsync(ChatProcess via, string path, params (string Key, string Value)[] fields)
    {
        var reply = await PostFormAsync(via, path, Token, fields);
        Assert.True(reply.GetProperty("code").GetInt32() == 0, $"{path} through {via.BaseUri}: {reply}");
        return reply;
    }

    public Task<V2Peer> ConnectAsync(ChatProcess via) => V2Peer.ConnectAsync(via.BaseUri, Id, Token);

    public Task<ChatSocket> ConnectSeed000Async(ChatProcess via) => ChatClient.ConnectAsync(via.BaseUri, Id, Token);

    public static async Task<JsonElement> PostFormAsync(ChatProcess via, string path, string? token, params (string Key, string Value)[] fields)
    {
        using var http = new HttpClient { BaseAddress = via.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
