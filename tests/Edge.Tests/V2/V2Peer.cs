namespace AkkaChat.Edge.Tests.V2;

using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

/// <summary>
/// A v2 socket with a background reader that files every frame: acks by cid, messages in arrival order,
/// and the last <c>synced</c>. Used where a test drives many sends at once and reads the outcome after.
/// A dead connection (server killed) just ends the reader.
/// </summary>
public sealed class V2Peer : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Task _reader;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private V2Peer(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    public ConcurrentDictionary<string, JsonElement> Acks { get; } = new();
    public ConcurrentQueue<JsonElement> Messages { get; } = new();
    public ConcurrentQueue<JsonElement> Errors { get; } = new();
    public TaskCompletionSource<JsonElement> Synced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public bool Closed => _reader.IsCompleted;

    /// <summary>The close code the server sent, once the socket is closed (null while open, or when it just died).</summary>
    public WebSocketCloseStatus? CloseStatus => Closed ? _socket.CloseStatus : null;

    public static async Task<V2Peer> ConnectAsync(Uri baseUri, long userId, string token)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(ChatClient.SocketUri(baseUri, userId, token, v2: true), timeout.Token);
        return new V2Peer(socket);
    }

    public Task SyncAsync(long inbox) => SendAsync(JsonSerializer.Serialize(new { type = "sync", inbox }));

    public Task SendDirectAsync(string cid, long to, string content) =>
        SendAsync(JsonSerializer.Serialize(new { type = "send", cid, cmd = 10, dstid = to, media = 1, content }));

    public async Task SendAsync(string json)
    {
        await _sendLock.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, timeout.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await _reader;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 17];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) return;
                var frame = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
                switch (frame.GetProperty("type").GetString())
                {
                    case "ack": Acks[frame.GetProperty("cid").GetString()!] = frame; break;
                    case "msg": Messages.Enqueue(frame); break;
                    case "synced": Synced.TrySetResult(frame); break;
                    case "error": Errors.Enqueue(frame); break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
