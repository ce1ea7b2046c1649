namespace AkkaChat.Browser.Tests.Seed003;

using System.Net.WebSockets;
using Google.Protobuf;
using Wire = AkkaChat.Edge.Protocols.Seed003.Wire;

/// <summary>
/// A second seed-003 client for the page test: binary frames on <c>/ws</c>, each wait bounded. (Browser.Tests cannot
/// reference Edge.Tests, whose Seed003Client covers the protocol itself; this is the little the page test needs.)
/// </summary>
internal sealed class ProtoSocket(ClientWebSocket socket) : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static async Task<ProtoSocket> ConnectAsync(Uri node)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Wait);
        await socket.ConnectAsync(new UriBuilder(node) { Scheme = "ws", Path = "/ws" }.Uri, timeout.Token);
        return new ProtoSocket(socket);
    }

    /// <summary>Signs in; a sign has no reply, so a heartbeat after it proves it went through (frames are handled in order).</summary>
    public async Task SignAsync(long user, string token)
    {
        var sign = new Wire.Input { Type = "sign" };
        sign.Auth.Add(new Wire.Auth { AppId = 1, UserId = user, DeviceId = 1, Token = token });
        await SendAsync(sign);
        await SendAsync(new Wire.Input { Type = "heartbeat" });
        await ExpectAsync("heartbeat", Wait);
    }

    /// <summary>Sends a text to a friend; the sender's copy from the <c>{sendmessage, 200}</c> reply.</summary>
    public async Task<Wire.MessageItem> SendTextAsync(long receiver, string text)
    {
        var send = new Wire.SendMessage
        {
            ReceiverType = 1,
            ReceiverId = receiver,
            MessageBody = new Wire.MessageBody
            {
                MessageType = Wire.MessageType.MtText,
                MessageContent = new Wire.MessageContent { Text = new Wire.Text { Text_ = text } },
            },
        };
        await SendAsync(new Wire.Input { Type = "sendmessage", Data = send.ToByteString() });
        return Wire.MessageItem.Parser.ParseFrom((await ExpectAsync("sendmessage", Wait)).Data);
    }

    /// <summary>The next Output of <paramref name="type"/> with code 200, skipping heartbeat replies; fails on anything else.</summary>
    public async Task<Wire.Output> ExpectAsync(string type, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        while (true)
        {
            var output = await ReceiveAsync(timeout.Token);
            if (output.Type == "heartbeat" && type != "heartbeat") continue;
            if (output.Type != type || output.Code != 200)
                throw new InvalidOperationException($"expected {{{type}, 200}}, got {{{output.Type}, {output.Code}, '{output.Message}'}}");
            return output;
        }
    }

    private Task SendAsync(Wire.Input input) =>
        socket.SendAsync(input.ToByteArray(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    private async Task<Wire.Output> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close)
            throw new InvalidOperationException($"the node closed the socket: {socket.CloseStatus} {socket.CloseStatusDescription}");
        return Wire.Output.Parser.ParseFrom(buffer, 0, length);
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }
        socket.Dispose();
    }
}
