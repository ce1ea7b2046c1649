namespace AkkaChat.Edge.Tests.V2;

using System.Text.Json;

/// <summary>Protocol-v2 helpers over <see cref="ChatClient"/> and <see cref="ChatSocket"/>.</summary>
public static class V2Client
{
    public static Task<ChatSocket> ConnectV2Async(this ChatClient client) =>
        ChatClient.ConnectAsync(client.Http.BaseAddress!, client.UserId, client.Token, v2: true);

    /// <summary>
    /// A v2 socket that has synced from the start and received <c>synced</c>: its connection actor runs, so it is
    /// registered with its user entity and subscribed on the node (presence and typing reach it from then on).
    /// </summary>
    public static async Task<ChatSocket> ConnectSyncedV2Async(this ChatClient client)
    {
        var socket = await client.ConnectV2Async();
        await socket.SyncAsync(0);
        await socket.ReceiveUntilAsync("synced");
        return socket;
    }

    public static Task SendDirectAsync(this ChatSocket socket, string cid, long to, string content) =>
        socket.SendJsonAsync(new { type = "send", cid, cmd = 10, dstid = to, media = 1, content });

    public static Task SendRoomAsync(this ChatSocket socket, string cid, long room, string content) =>
        socket.SendJsonAsync(new { type = "send", cid, cmd = 11, dstid = room, media = 1, content });

    public static Task SyncAsync(this ChatSocket socket, long inbox, IReadOnlyDictionary<long, long>? rooms = null) =>
        socket.SendJsonAsync(new { type = "sync", inbox, rooms = (rooms ?? new Dictionary<long, long>()).ToDictionary(kv => kv.Key.ToString(), kv => kv.Value) });

    /// <summary>Receives frames until one of <paramref name="type"/> arrives (bounded count and time), returning the skipped ones too.</summary>
    public static async Task<(JsonElement Match, List<JsonElement> Before)> ReceiveUntilAsync(this ChatSocket socket, string type, int maxFrames = 20_000, TimeSpan? wait = null)
    {
        var before = new List<JsonElement>();
        for (var i = 0; i < maxFrames; i++)
        {
            var frame = await socket.ReceiveJsonAsync(wait);
            if (frame.GetProperty("type").GetString() == type) return (frame, before);
            before.Add(frame);
        }
        throw new InvalidOperationException($"no '{type}' frame within {maxFrames} frames");
    }

    public static string Type(this JsonElement frame) => frame.GetProperty("type").GetString()!;
}
