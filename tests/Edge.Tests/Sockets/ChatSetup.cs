namespace AkkaChat.Edge.Tests.Sockets;

using System.Globalization;
using System.Text.Json;

/// <summary>Arranging users, friendships and rooms through the seed-000 HTTP API, asserting each step worked.</summary>
public static class ChatSetup
{
    /// <summary>A fresh 11-digit mobile, so tests sharing a host never collide.</summary>
    public static string NewMobile() => "1" + Random.Shared.NextInt64(1_000_000_000, 10_000_000_000).ToString(CultureInfo.InvariantCulture);

    /// <summary>Registers and logs in a new user with a random mobile; the client is the caller's to dispose.</summary>
    public static async Task<ChatClient> NewUserAsync(this ChatHost host, string nickname, string? mobile = null)
    {
        var client = host.NewClient();
        await client.SignUpAsync(mobile ?? NewMobile(), nickname);
        return client;
    }

    public static async Task BefriendAsync(this ChatClient user, ChatClient friend)
    {
        var reply = await user.PostAsync("/contact/addfriend", ("userid", user.Id()), ("dstid", friend.Id()));
        AssertOk(reply, "addfriend");
    }

    /// <summary>Creates a room owned by <paramref name="owner"/> and returns its id.</summary>
    public static async Task<long> CreateRoomAsync(this ChatClient owner, string name)
    {
        var reply = await owner.PostAsync("/contact/createcommunity", ("ownerid", owner.Id()), ("name", name));
        AssertOk(reply, "createcommunity");
        return reply.GetProperty("data").GetProperty("id").GetInt64();
    }

    public static async Task JoinRoomAsync(this ChatClient user, long roomId)
    {
        var reply = await user.PostAsync("/contact/joincommunity", ("userid", user.Id()), ("dstid", roomId.ToString(CultureInfo.InvariantCulture)));
        AssertOk(reply, "joincommunity");
    }

    /// <summary>The ids in a <c>{"code":0,"rows":[…]}</c> listing.</summary>
    public static async Task<IReadOnlyList<long>> ListIdsAsync(this ChatClient user, string path)
    {
        var reply = await user.PostAsync(path, ("userid", user.Id()));
        Assert.True(reply.GetProperty("code").GetInt32() == 0, $"{path} refused: {reply}");
        return [.. reply.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("id").GetInt64())];
    }

    public static Task<FrameInbox> OpenAsync(this ChatClient user, string label) => FrameInbox.OpenAsync(user, label);

    public static string Id(this ChatClient user) => user.UserId.ToString(CultureInfo.InvariantCulture);

    private static void AssertOk(JsonElement reply, string what) =>
        Assert.True(reply.GetProperty("code").GetInt32() == 0, $"{what} refused: {reply}");
}

/// <summary>Reading the fields of a seed-000 chat frame or an error frame.</summary>
public static class FrameFields
{
    public static bool IsError(this JsonElement frame) =>
        frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("type", out var type) && type.ValueEquals("error");

    /// <summary>A numeric field, or null when the frame leaves it out.</summary>
    public static long? Number(this JsonElement frame, string name) =>
        frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    /// <summary>A string field, or null when the frame leaves it out.</summary>
    public static string? Text(this JsonElement frame, string name) =>
        frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Has(this JsonElement frame, string name) => frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(name, out _);

    /// <summary>Asserts an error frame with <paramref name="code"/> and, when given, the client's frame id in <c>ref</c> (absent otherwise).</summary>
    public static void AssertError(this JsonElement frame, string code, long? clientRef)
    {
        Assert.True(frame.IsError(), $"expected an error frame, got {frame}");
        Assert.True(frame.Text("code") == code, $"expected error code {code}, got {frame}");
        Assert.False(string.IsNullOrWhiteSpace(frame.Text("msg")), $"an error frame needs a msg: {frame}");
        Assert.True(frame.Number("ref") == clientRef, $"expected ref {clientRef?.ToString(CultureInfo.InvariantCulture) ?? "(absent)"}, got {frame}");
    }

    /// <summary>Asserts a chat frame from <paramref name="sender"/> to <paramref name="dstId"/> with <paramref name="content"/> (null: no content field).</summary>
    public static void AssertChat(this JsonElement frame, int cmd, long sender, long dstId, string? content, string where = "")
    {
        var at = where.Length > 0 ? where + ": " : "";
        Assert.False(frame.IsError(), $"{at}expected a chat frame, got an error: {frame}");
        Assert.True(frame.Number("cmd") == cmd, $"{at}expected cmd {cmd}: {frame}");
        Assert.True(frame.Number("userid") == sender, $"{at}expected userid {sender}: {frame}");
        Assert.True(frame.Number("dstid") == dstId, $"{at}expected dstid {dstId}: {frame}");
        Assert.True(frame.Text("content") == content, $"{at}expected content {(content is null ? "(absent)" : $"'{content}'")}: {frame}");
        Assert.True(frame.Number("id") > 0, $"{at}expected a positive server id: {frame}");
    }
}
