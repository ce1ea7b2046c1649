namespace AkkaChat.Edge.Tests.Sockets;

using System.Globalization;
using System.Text.Json;

/// <summary>Opening seed-000 sockets for users made with <see cref="ChatSteps"/>.</summary>
public static class ChatSetup
{
    public static Task<FrameInbox> OpenAsync(this ChatClient user, string label) => FrameInbox.OpenAsync(user, label);
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
