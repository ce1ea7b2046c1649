namespace AkkaChat.Edge.Tests.Sockets;

using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

/// <summary>
/// A /chat socket whose frames are read continuously into a queue. Waiting for a frame (or for silence)
/// with a bound never cancels a receive on the socket itself — a cancelled <see cref="ClientWebSocket"/>
/// receive aborts the socket — so one socket can be asserted on again and again, and the close status the
/// server sends is recorded.
/// </summary>
public sealed class FrameInbox : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly ChatSocket _socket;
    private readonly Channel<JsonElement> _frames = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;

    private FrameInbox(ChatSocket socket, string label)
    {
        _socket = socket;
        Label = label;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Who this socket belongs to, for failure messages.</summary>
    public string Label { get; }

    public ClientWebSocket Socket => _socket.Socket;

    /// <summary>The close status the server sent, once its close frame has arrived.</summary>
    public WebSocketCloseStatus? CloseStatus => _closed.Task.IsCompleted ? _closed.Task.Result : null;

    public static async Task<FrameInbox> OpenAsync(ChatClient client, string label) => new(await client.ConnectAsync(), label);

    /// <summary>A protocol-v2 socket (<c>/chat?v=2</c>), not yet synced.</summary>
    public static async Task<FrameInbox> OpenV2Async(ChatClient client, string label) => new(await V2.V2Client.ConnectV2Async(client), label);

    public Task SendAsync(object frame) => _socket.SendJsonAsync(frame);

    public Task SendTextAsync(string text) => _socket.SendTextAsync(text);

    public Task SendBinaryAsync(byte[] bytes) => Socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    /// <summary>The next frame; fails when none arrives within <paramref name="wait"/> or the socket closes first.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan? wait = null)
    {
        var bound = wait ?? DefaultWait;
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            return await _frames.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Label}: no frame within {bound.TotalMilliseconds} ms");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"{Label}: the socket closed ({CloseStatus?.ToString() ?? "no close frame"}) while a frame was expected");
        }
    }

    /// <summary>The next <paramref name="count"/> frames, each within <paramref name="wait"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> NextAsync(int count, TimeSpan? wait = null)
    {
        var frames = new List<JsonElement>(count);
        for (var i = 0; i < count; i++) frames.Add(await NextAsync(wait));
        return frames;
    }

    /// <summary>
    /// The next frame from whichever of <paramref name="inboxes"/> has one first (earlier inboxes win ties);
    /// fails when none of them gets a frame within <paramref name="wait"/>.
    /// </summary>
    public static async Task<(FrameInbox From, JsonElement Frame)> NextFromAnyAsync(TimeSpan wait, params FrameInbox[] inboxes)
    {
        using var timeout = new CancellationTokenSource(wait);
        while (true)
        {
            foreach (var inbox in inboxes)
            {
                if (inbox._frames.Reader.TryRead(out var frame)) return (inbox, frame);
            }
            if (timeout.IsCancellationRequested)
                throw new TimeoutException($"no frame on {string.Join(", ", inboxes.Select(i => i.Label))} within {wait.TotalMilliseconds} ms");
            var open = inboxes.Where(i => !i._frames.Reader.Completion.IsCompleted).ToList();
            if (open.Count == 0)
                throw new InvalidOperationException($"{string.Join(", ", inboxes.Select(i => i.Label))}: every socket closed while a frame was expected");
            using var anyFrame = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var waits = open.Select(i => i.WaitForFrameAsync(anyFrame.Token)).ToList();
            await Task.WhenAny(waits);
            await anyFrame.CancelAsync();
            await Task.WhenAll(waits);
        }
    }

    /// <summary>The next frame, asserted to be a chat frame (see <see cref="FrameFields.AssertChat"/>); failures name this socket.</summary>
    public async Task<JsonElement> NextChatAsync(int cmd, long sender, long dstId, string? content, TimeSpan? wait = null)
    {
        var frame = await NextAsync(wait);
        frame.AssertChat(cmd, sender, dstId, content, Label);
        return frame;
    }

    /// <summary>The next error frame; fails if a frame of another kind comes first.</summary>
    public async Task<JsonElement> NextErrorAsync(TimeSpan? wait = null)
    {
        var frame = await NextAsync(wait);
        Assert.True(frame.IsError(), $"{Label}: expected an error frame, got {frame}");
        return frame;
    }

    /// <summary>Asserts that nothing arrives and the socket stays open for <paramref name="window"/> (keep it short).</summary>
    public async Task ExpectNothingAsync(TimeSpan window)
    {
        using var timeout = new CancellationTokenSource(window);
        bool readable;
        try
        {
            readable = await _frames.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (readable && _frames.Reader.TryPeek(out var frame)) Assert.Fail($"{Label}: expected nothing, got {frame}");
        Assert.Fail($"{Label}: expected the socket to stay open, it closed ({CloseStatus?.ToString() ?? "no close frame"})");
    }

    /// <summary>Waits for the server to close the socket and returns the status of its close frame (null if the connection just dropped).</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan? wait = null)
    {
        var bound = wait ?? DefaultWait;
        try
        {
            return await _closed.Task.WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Label}: the server did not close the socket within {bound.TotalMilliseconds} ms (state {Socket.State})");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }
        try
        {
            // The server answers our close by closing its side; the pump sees that and ends.
            await _pump.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            Socket.Abort();
        }
        await _socket.DisposeAsync();
    }

    /// <summary>True once a frame is waiting; false when cancelled or the socket closed with nothing left to read.</summary>
    private async Task<bool> WaitForFrameAsync(CancellationToken cancel)
    {
        try
        {
            return await _frames.Reader.WaitToReadAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    return;
                }
                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage) continue;
                _frames.Writer.TryWrite(Parse(result.MessageType, message.WrittenSpan));
                message.Clear();
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _closed.TrySetResult(null);
            _frames.Writer.TryComplete();
        }
    }

    /// <summary>A text frame as JSON; anything that is not a JSON text frame becomes a JSON string describing it, so a test fails on it readably.</summary>
    private static JsonElement Parse(WebSocketMessageType type, ReadOnlySpan<byte> bytes)
    {
        if (type == WebSocketMessageType.Text)
        {
            try
            {
                var reader = new Utf8JsonReader(bytes);
                return JsonElement.ParseValue(ref reader);
            }
            catch (JsonException)
            {
            }
        }
        return JsonSerializer.SerializeToElement($"<{type} frame: {Encoding.UTF8.GetString(bytes)}>");
    }
}
