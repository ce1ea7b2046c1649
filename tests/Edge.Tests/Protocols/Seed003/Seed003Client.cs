namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;
using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;

/// <summary>What carries a seed-003 connection: a <c>/ws</c> WebSocket (binary frames) or the TCP edge (length-prefixed frames).</summary>
public enum Seed003Transport
{
    WebSocket,
    Tcp,
}

/// <summary>
/// A seed-003 client over either transport, as golang_im's clients speak it (docs/PROTOCOL.md §4, §5). Frames are read
/// continuously into a queue, so every wait is bounded without cancelling a receive on the socket (which would abort a
/// <see cref="ClientWebSocket"/>), and the close the server sends is recorded. Pushes (<c>message</c>) that arrive while a
/// reply of another type is awaited are kept, in order, for the next <see cref="ReceiveAsync"/> or
/// <c>ExpectAsync("message")</c>: replies and pushes interleave whenever another user sends at the same time.
/// </summary>
public sealed class Seed003Client : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame the client accepts from the TCP edge before it calls the stream broken.</summary>
    private const int MaxInboundFrame = 16 * 1024 * 1024;

    private readonly ClientWebSocket? _socket;
    private readonly TcpClient? _tcp;
    private readonly NetworkStream? _stream;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly Queue<Output> _pushes = new();
    private readonly TaskCompletionSource<(int? Code, string? Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;
    private Auth? _auth;

    private Seed003Client(Seed003Transport transport, string label, ClientWebSocket? socket, TcpClient? tcp)
    {
        Transport = transport;
        Label = label;
        _socket = socket;
        _tcp = tcp;
        _stream = tcp?.GetStream();
        _pump = Task.Run(socket is null ? PumpTcpAsync : PumpWebSocketAsync);
    }

    public Seed003Transport Transport { get; }

    /// <summary>Who this connection is, for failure messages.</summary>
    public string Label { get; }

    /// <summary>The user this connection signed as (0 before <see cref="SignAsync"/>).</summary>
    public long UserId { get; private set; }

    /// <summary>Opens a connection to <paramref name="node"/>: <c>ws://…/ws</c>, or TCP to 127.0.0.1 on the node's <c>AKKACHAT_TCP_PORT</c>.</summary>
    public static Task<Seed003Client> ConnectAsync(IChatNode node, Seed003Transport transport, string? label = null) => transport switch
    {
        Seed003Transport.WebSocket => ConnectWebSocketAsync(node.BaseUri, label),
        _ => ConnectTcpAsync(TcpPort(node), label),
    };

    public static async Task<Seed003Client> ConnectWebSocketAsync(Uri baseUri, string? label = null)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(baseUri) { Scheme = "ws", Path = "/ws", Query = "" }.Uri;
        using var timeout = new CancellationTokenSource(DefaultWait);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new Seed003Client(Seed003Transport.WebSocket, label ?? "ws", socket, null);
    }

    public static async Task<Seed003Client> ConnectTcpAsync(int port, string? label = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var timeout = new CancellationTokenSource(DefaultWait);
        try
        {
            await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        return new Seed003Client(Seed003Transport.Tcp, label ?? "tcp", null, tcp);
    }

    /// <summary>The TCP edge's port of a test node: its <c>AKKACHAT_TCP_PORT</c> (the test sets it; the edge is off by default).</summary>
    public static int TcpPort(IChatNode node)
    {
        var env = node switch
        {
            ChatHost host => host.Environment,
            _ => throw new NotSupportedException($"{node.GetType().Name} does not expose its environment; use ConnectTcpAsync(port)"),
        };
        if (!env.TryGetValue("AKKACHAT_TCP_PORT", out var value) || !int.TryParse(value, CultureInfo.InvariantCulture, out var port) || port <= 0)
            throw new InvalidOperationException("the node was started without AKKACHAT_TCP_PORT: the TCP edge is off");
        return port;
    }

    public Task SendAsync(Input input)
    {
        if (_auth is not null && input.Auth.Count == 0) input.Auth.Add(_auth); // as the seed's page does: every request repeats its auth
        return SendRawAsync(input.ToByteArray());
    }

    /// <summary>One frame: a WebSocket binary message, or a TCP length-prefixed frame.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(DefaultWait);
        await _sending.WaitAsync(timeout.Token);
        try
        {
            if (_socket is not null)
            {
                await _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
                return;
            }
            var frame = new byte[4 + bytes.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame, bytes.Length);
            bytes.CopyTo(frame, 4);
            await _stream!.WriteAsync(frame, timeout.Token);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>WebSocket only: <paramref name="bytes"/> as a text frame (the server takes a text frame's bytes as an Input).</summary>
    public async Task SendTextFrameAsync(byte[] bytes)
    {
        if (_socket is null) throw new NotSupportedException("a TCP connection has no text frames");
        using var timeout = new CancellationTokenSource(DefaultWait);
        await _sending.WaitAsync(timeout.Token);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The next Output (a kept push first); fails when none arrives within the bound or the connection closes first.</summary>
    public Task<Output> ReceiveAsync(TimeSpan? timeout = null) =>
        _pushes.TryDequeue(out var push) ? Task.FromResult(push) : NextFrameAsync(timeout ?? DefaultWait);

    /// <summary>
    /// The next Output of <paramref name="type"/>, asserted to carry <paramref name="code"/>. Awaiting a reply, pushes that come
    /// first are kept for later; any other Output first fails the test.
    /// </summary>
    public async Task<Output> ExpectAsync(string type, int code = Seed003Codes.Ok, TimeSpan? timeout = null)
    {
        var bound = timeout ?? DefaultWait;
        var deadline = DateTime.UtcNow + bound;
        Output output;
        if (type == Seed003Types.Message && _pushes.TryDequeue(out var kept))
        {
            output = kept;
        }
        else
        {
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                output = await NextFrameAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, $"waiting for {type} {code}");
                if (output.Type == Seed003Types.Message && type != Seed003Types.Message)
                {
                    _pushes.Enqueue(output);
                    continue;
                }
                break;
            }
        }
        Assert.True(output.Type == type && output.Code == code,
            $"{Label}: expected {{{type}, {code}}}, got {{{output.Type}, {output.Code}, \"{output.Message}\"}}");
        return output;
    }

    /// <summary>Asserts that nothing arrives (no kept push either) and the connection stays open for <paramref name="window"/>.</summary>
    public async Task AssertSilentAsync(TimeSpan window)
    {
        if (_pushes.TryPeek(out var kept)) Assert.Fail($"{Label}: expected nothing, a push was waiting: {Describe(kept)}");
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
        if (readable && _frames.Reader.TryPeek(out var frame)) Assert.Fail($"{Label}: expected nothing, got {Describe(frame)}");
        Assert.Fail($"{Label}: expected the connection to stay open, it closed ({await _closed.Task})");
    }

    /// <summary>
    /// Waits for the server to end the connection (frames still queued are not read): the close frame's code and reason on
    /// a WebSocket (null when it dropped without one); null, null on TCP, whose stream just ends.
    /// </summary>
    public async Task<(int? CloseCode, string? Reason)> WaitClosedAsync(TimeSpan timeout)
    {
        try
        {
            return await _closed.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Label}: the server did not end the connection within {timeout.TotalMilliseconds} ms");
        }
    }

    /// <summary>True once the server has ended the connection.</summary>
    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>Sends <c>sign</c>; success has no reply (a refusal comes as <c>{sign, 1}</c>).</summary>
    public Task SignAsync(long userId, string token, long deviceId = 1, long appId = 1)
    {
        var auth = new Auth { AppId = appId, UserId = userId, DeviceId = deviceId, Token = token };
        _auth = auth;
        UserId = userId;
        var input = new Input { Type = Seed003Types.Sign };
        input.Auth.Add(auth);
        return SendRawAsync(input.ToByteArray());
    }

    /// <summary>Sends a text message and returns the sender's copy from <c>{sendmessage, 200}</c>.</summary>
    public async Task<MessageItem> SendTextAsync(int receiverType, long receiverId, string text)
    {
        await SendBodyAsync(receiverType, receiverId, TextBody(text));
        var reply = await ExpectAsync(Seed003Types.SendMessage);
        return MessageItem.Parser.ParseFrom(reply.Data);
    }

    public Task SendBodyAsync(int receiverType, long receiverId, MessageBody body, IEnumerable<long>? toUserIds = null, int help = 0)
    {
        var message = new SendMessage { ReceiverType = receiverType, ReceiverId = receiverId, MessageBody = body, Help = help };
        if (toUserIds is not null) message.ToUserIds.Add(toUserIds);
        return SendAsync(new Input { Type = Seed003Types.SendMessage, Data = message.ToByteString() });
    }

    public async Task<SyncResp> SyncAsync(long conversationId, int receiverType, long limit = 15, long offset = 0)
    {
        var request = new SyncReq { ConversationId = conversationId, ReceiverType = receiverType, Limit = limit, Offset = offset };
        await SendAsync(new Input { Type = Seed003Types.Sync, Data = request.ToByteString() });
        return SyncResp.Parser.ParseFrom((await ExpectAsync(Seed003Types.Sync)).Data);
    }

    public async Task<ConversationResp> ConversationsAsync(long limit = 15, long offset = 0)
    {
        var request = new ConversationReq { Limit = limit, Offset = offset };
        await SendAsync(new Input { Type = Seed003Types.ConversationList, Data = request.ToByteString() });
        return ConversationResp.Parser.ParseFrom((await ExpectAsync(Seed003Types.ConversationList)).Data);
    }

    /// <summary>Sends <c>messageread</c>; success has no reply.</summary>
    public Task MessageReadAsync(long messageId) =>
        SendAsync(new Input { Type = Seed003Types.MessageRead, Data = new MessageRead { MessageId = messageId }.ToByteString() });

    public async Task HeartbeatAsync()
    {
        await SendAsync(new Input { Type = Seed003Types.Heartbeat });
        await ExpectAsync(Seed003Types.Heartbeat);
    }

    /// <summary>The next push (<c>{message, 200}</c>) as its item.</summary>
    public async Task<MessageItem> NextPushAsync(TimeSpan? timeout = null) =>
        MessageItem.Parser.ParseFrom((await ExpectAsync(Seed003Types.Message, Seed003Codes.Ok, timeout)).Data);

    public static MessageBody TextBody(string text) =>
        new() { MessageType = MessageType.MtText, MessageContent = new MessageContent { Text = new Text { Text_ = text } } };

    public async ValueTask DisposeAsync()
    {
        if (_socket is { State: WebSocketState.Open or WebSocketState.CloseReceived })
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }
        else
        {
            _tcp?.Client.Shutdown(SocketShutdown.Send);
        }
        try
        {
            // The server answers our close (or the end of our stream) by ending its side; the pump sees that and ends.
            await _pump.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            _socket?.Abort();
            _tcp?.Close();
        }
        _socket?.Dispose();
        _tcp?.Dispose();
        _sending.Dispose();
    }

    private async Task<Output> NextFrameAsync(TimeSpan bound, string? what = null)
    {
        byte[] frame;
        using (var timeout = new CancellationTokenSource(bound))
        {
            try
            {
                frame = await _frames.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Label}: no frame within {bound.TotalMilliseconds:0} ms{(what is null ? "" : " " + what)}");
            }
            catch (ChannelClosedException)
            {
                var (code, reason) = await _closed.Task;
                throw new InvalidOperationException($"{Label}: the connection closed ({code?.ToString(CultureInfo.InvariantCulture) ?? "no close code"} {reason}) while a frame was expected");
            }
        }
        try
        {
            return Output.Parser.ParseFrom(frame);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidOperationException($"{Label}: a frame that is not an Output ({frame.Length} bytes): {e.Message}");
        }
    }

    private static string Describe(byte[] frame)
    {
        try
        {
            return Describe(Output.Parser.ParseFrom(frame));
        }
        catch (InvalidProtocolBufferException)
        {
            return $"<{frame.Length} bytes that are not an Output>";
        }
    }

    private static string Describe(Output o) => $"{{{o.Type}, {o.Code}, \"{o.Message}\", {o.Data.Length} data bytes}}";

    private async Task PumpWebSocketAsync()
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        (int?, string?) closed = (null, null);
        try
        {
            while (true)
            {
                var result = await _socket!.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    closed = ((int?)result.CloseStatus, result.CloseStatusDescription);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                _frames.Writer.TryWrite(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _closed.TrySetResult(closed);
            _frames.Writer.TryComplete();
        }
    }

    private async Task PumpTcpAsync()
    {
        var header = new byte[4];
        try
        {
            while (await ReadExactlyAsync(header))
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(header);
                if (length is < 0 or > MaxInboundFrame) return; // not the framing: treat the stream as broken
                var frame = new byte[length];
                if (!await ReadExactlyAsync(frame)) return;
                _frames.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _closed.TrySetResult((null, null));
            _frames.Writer.TryComplete();
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the stream ends first.</summary>
    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream!.ReadAsync(buffer.AsMemory(read), CancellationToken.None);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
