namespace AkkaChat.Edge.Tests.Contacts;

using System.Globalization;
using System.Text.Json;

/// <summary>One real node shared by the tests of a class; each test signs up its own users, so tests do not see each other.</summary>
public sealed class ContactsHostFixture : IAsyncLifetime
{
    private ChatHost? _host;

    public ChatHost Host => _host ?? throw new InvalidOperationException("the host is not started");

    public async Task InitializeAsync() => _host = await ChatHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

/// <summary>Steps over the HTTP API that assert the seed envelope: success with data, a list, or a refusal with a reason.</summary>
public static class ContactSteps
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    /// <summary>A fresh user with a random 11-digit mobile, registered and logged in.</summary>
    public static async Task<ChatClient> UserAsync(this ChatHost host, string nickname)
    {
        var client = host.NewClient();
        await client.SignUpAsync(NewMobile(), nickname);
        return client;
    }

    public static string NewMobile() => "1" + Random.Shared.NextInt64(1_000_000_000, 10_000_000_000).ToString(CultureInfo.InvariantCulture);

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

    /// <summary>Incoming and outgoing requests as (direction, from, to) triples.</summary>
    public static async Task<(string Direction, long From, long To)[]> RequestsAsync(this ChatClient client) =>
        [.. (await client.RowsAsync("/contact/requests")).Select(r => (r.GetProperty("direction").GetString()!, r.GetProperty("userid").GetInt64(), r.GetProperty("dstid").GetInt64()))];

    public static async Task<long> CreateRoomAsync(this ChatClient owner, string name) =>
        (await owner.OkAsync("/contact/createcommunity", ("name", name))).GetProperty("id").GetInt64();

    public static Task<JsonElement> JoinAsync(this ChatClient user, long room) => user.OkAsync("/contact/joincommunity", ("dstid", room.Text()));

    public static Task<JsonElement> BefriendAsync(this ChatClient user, ChatClient friend) => user.OkAsync("/contact/addfriend", ("dstid", friend.Id()));

    /// <summary>The next frame, waiting at most 10 s.</summary>
    public static Task<JsonElement> NextFrameAsync(this ChatSocket socket) => socket.ReceiveJsonAsync(TimeSpan.FromSeconds(10));

    public static void AssertErrorFrame(JsonElement frame, string code, long clientRef)
    {
        Assert.True(frame.TryGetProperty("type", out var type) && type.GetString() == "error", $"expected an error frame, got {frame}");
        Assert.True(frame.GetProperty("code").GetString() == code, $"expected error code {code}, got {frame}");
        Assert.Equal(clientRef, frame.GetProperty("ref").GetInt64());
    }

    public static void AssertChatFrame(JsonElement frame, int cmd, long from, long dstId, string content)
    {
        Assert.False(frame.TryGetProperty("type", out _), $"expected a chat frame, got {frame}");
        Assert.Equal(cmd, frame.GetProperty("cmd").GetInt32());
        Assert.Equal(from, frame.GetProperty("userid").GetInt64());
        Assert.Equal(dstId, frame.GetProperty("dstid").GetInt64());
        Assert.Equal(content, frame.GetProperty("content").GetString());
    }
}
