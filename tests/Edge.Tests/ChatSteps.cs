namespace AkkaChat.Edge.Tests;

using System.Globalization;
using System.Text.Json;

/// <summary>
/// The one way tests make users, friends and rooms, through the seed-000 HTTP API, each step asserting the seed
/// envelope: success with data, a list, or a refusal with a reason.
/// </summary>
public static class ChatSteps
{
    /// <summary>A fresh seed-style mobile (11 digits starting with 1), so tests sharing a node never collide.</summary>
    public static string NewMobile() => "1" + Random.Shared.NextInt64(1_000_000_000, 10_000_000_000).ToString(CultureInfo.InvariantCulture);

    /// <summary>Registers and logs in a new user (a random mobile unless given); the client is the caller's to dispose.</summary>
    public static async Task<ChatClient> NewUserAsync(this IChatNode node, string nickname = "", string? mobile = null)
    {
        var client = node.NewClient();
        await client.SignUpAsync(mobile ?? NewMobile(), nickname);
        return client;
    }

    /// <summary>Friendship both ways (<c>/contact/addfriend</c>); the friend's public profile.</summary>
    public static Task<JsonElement> BefriendAsync(this ChatClient user, ChatClient friend) => user.OkAsync("/contact/addfriend", ("dstid", friend.Id()));

    /// <summary>Creates a room owned by <paramref name="owner"/> and returns its id.</summary>
    public static async Task<long> CreateRoomAsync(this ChatClient owner, string name) =>
        (await owner.OkAsync("/contact/createcommunity", ("name", name))).GetProperty("id").GetInt64();

    /// <summary>Joins <paramref name="room"/>; the room.</summary>
    public static Task<JsonElement> JoinRoomAsync(this ChatClient user, long room) => user.OkAsync("/contact/joincommunity", ("dstid", room.Text()));

    public static string Id(this ChatClient client) => client.UserId.Text();

    public static string Text(this long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Posts and asserts <c>{"code":0,"msg":"","data":…}</c>; returns the data.</summary>
    public static async Task<JsonElement> OkAsync(this ChatClient client, string path, params (string Key, string Value)[] fields)
    {
        var reply = await client.PostAsync(path, fields);
        Assert.True(reply.GetProperty("code").GetInt32() == 0, $"{path} refused: {reply}");
        Assert.True(reply.TryGetProperty("data", out var data), $"{path} has no data: {reply}");
        return data;
    }

    /// <summary>Posts and asserts <c>{"code":0,"rows":[…],"total":N}</c>; returns the rows.</summary>
    public static async Task<JsonElement[]> RowsAsync(this ChatClient client, string path, params (string Key, string Value)[] fields)
    {
        var reply = await client.PostAsync(path, fields);
        Assert.True(reply.GetProperty("code").GetInt32() == 0, $"{path} refused: {reply}");
        var rows = reply.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(rows.Length, reply.GetProperty("total").GetInt32());
        return rows;
    }

    /// <summary>The <c>id</c>s of the rows of a list.</summary>
    public static async Task<long[]> IdsAsync(this ChatClient client, string path, params (string Key, string Value)[] fields) =>
        [.. (await client.RowsAsync(path, fields)).Select(r => r.GetProperty("id").GetInt64())];

    /// <summary>Posts and asserts <c>{"code":-1,"msg":…}</c> whose reason mentions <paramref name="expected"/> (case-insensitive).</summary>
    public static async Task RefusedAsync(this ChatClient client, string expected, string path, params (string Key, string Value)[] fields)
    {
        var reply = await client.PostAsync(path, fields);
        Assert.True(reply.GetProperty("code").GetInt32() == -1, $"{path} should be refused: {reply}");
        Assert.False(reply.TryGetProperty("data", out _), $"a refusal carries no data: {reply}");
        var reason = reply.GetProperty("msg").GetString() ?? "";
        Assert.True(reason.Contains(expected, StringComparison.OrdinalIgnoreCase), $"{path}: expected a reason mentioning '{expected}', got '{reason}'");
    }
}
