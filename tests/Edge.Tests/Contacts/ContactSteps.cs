namespace AkkaChat.Edge.Tests.Contacts;

using System.Text.Json;

/// <summary>Contact steps beyond <see cref="ChatSteps"/>: the request list, and asserting socket frames.</summary>
public static class ContactSteps
{
    /// <summary>Incoming and outgoing requests as (direction, from, to) triples.</summary>
    public static async Task<(string Direction, long From, long To)[]> RequestsAsync(this ChatClient client) =>
        [.. (await client.RowsAsync("/contact/requests")).Select(r => (r.GetProperty("direction").GetString()!, r.GetProperty("userid").GetInt64(), r.GetProperty("dstid").GetInt64()))];

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
