namespace AkkaChat.Bench.Relay;

using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

/// <summary>
/// <c>GET /chat?id=&lt;uid&gt;&amp;token=&lt;token&gt;</c>: decodes each frame, checks friendship or membership, stamps a
/// sequence number, encodes once and hands the bytes to every target socket but the sending one.
/// </summary>
public static class RelaySocketEndpoint
{
    private const int MaxFrameBytes = 64 * 1024;

    public static async Task HandleAsync(HttpContext context, RelayDirectory dir)
    {
        var user = dir.Authenticate(context.Request.Query["token"]);
        if (user is null || !long.TryParse(context.Request.Query["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id != user.Id)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var connection = new RelayConnection(socket, context.RequestAborted);
        user.Attach(connection);
        var writer = connection.RunWriterAsync();
        try
        {
            await ReadLoopAsync(socket, user, connection, dir);
        }
        finally
        {
            user.Detach(connection);
            connection.Complete();
            await writer;
        }
    }

    private static async Task ReadLoopAsync(WebSocket socket, RelayUser user, RelayConnection connection, RelayDirectory dir)
    {
        var closing = connection.Closing;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // As in AkkaChat: an idle socket waits with a zero-byte read, and a buffer is rented per frame.
                var result = await socket.ReceiveAsync(Memory<byte>.Empty, closing);
                if (result.MessageType != WebSocketMessageType.Text) return;
                var buffer = ArrayPool<byte>.Shared.Rent(MaxFrameBytes + 1);
                try
                {
                    var length = 0;
                    while (!result.EndOfMessage && length <= MaxFrameBytes)
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(length, MaxFrameBytes + 1 - length), closing);
                        if (result.MessageType != WebSocketMessageType.Text) return;
                        length += result.Count;
                    }
                    if (length > MaxFrameBytes) return;
                    Relay(buffer.AsSpan(0, length), user, connection, dir);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private static void Relay(ReadOnlySpan<byte> utf8, RelayUser sender, RelayConnection origin, RelayDirectory dir)
    {
        if (!RelayFrame.TryDecode(utf8, out var frame))
        {
            origin.Enqueue(RelayFrame.Error("bad-frame", "malformed frame", 0));
            return;
        }
        if (frame.Cmd == 0) return;
        if (!origin.TakeToken())
        {
            origin.Enqueue(RelayFrame.Error("rate-limited", "too many messages, slow down", frame.ClientRef));
            return;
        }
        switch (frame.Cmd)
        {
            case 10:
                if (dir.Find(frame.DstId) is not { } recipient || !sender.IsFriend(recipient.Id))
                {
                    origin.Enqueue(RelayFrame.Error("not-friend", "you can only message friends", frame.ClientRef));
                    return;
                }
                var direct = RelayFrame.Encode(recipient.NextInboxSeq(), sender.Id, frame);
                foreach (var c in recipient.Connections) c.Enqueue(direct);
                foreach (var c in sender.Connections)
                {
                    if (c != origin) c.Enqueue(direct);
                }
                break;
            case 11:
                if (dir.FindRoom(frame.DstId) is not { } room || !room.IsMember(sender.Id))
                {
                    origin.Enqueue(RelayFrame.Error("not-member", "you are not in this room", frame.ClientRef));
                    return;
                }
                var roomFrame = RelayFrame.Encode(room.NextSeq(), sender.Id, frame);
                foreach (var member in room.Members)
                {
                    foreach (var c in member.Connections)
                    {
                        if (c != origin) c.Enqueue(roomFrame);
                    }
                }
                break;
            default:
                origin.Enqueue(RelayFrame.Error("unknown-cmd", "unknown cmd", frame.ClientRef));
                break;
        }
    }
}

/// <summary>The seed-000 frame fields the relay passes on.</summary>
public readonly record struct RelayFrame(long ClientRef, int Cmd, long DstId, int Media, string Content, string Pic, string Url, string Memo, long Amount)
{
    public static bool TryDecode(ReadOnlySpan<byte> utf8, out RelayFrame frame)
    {
        frame = default;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            long id = 0, dst = 0, amount = 0;
            int cmd = -1, media = 0;
            string content = "", pic = "", url = "", memo = "";
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "id": id = reader.GetInt64(); break;
                    case "dstid": dst = reader.GetInt64(); break;
                    case "cmd": cmd = reader.GetInt32(); break;
                    case "media": media = reader.GetInt32(); break;
                    case "amount": amount = reader.GetInt64(); break;
                    case "content": content = reader.GetString() ?? ""; break;
                    case "pic": pic = reader.GetString() ?? ""; break;
                    case "url": url = reader.GetString() ?? ""; break;
                    case "memo": memo = reader.GetString() ?? ""; break;
                    default: reader.Skip(); break;
                }
            }
            frame = new RelayFrame(id, cmd, dst, media, content, pic, url, memo, amount);
            return cmd >= 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The frame recipients get, in AkkaChat's shape: empty fields left out, <c>createat</c> in ms.</summary>
    public static byte[] Encode(long seq, long senderId, RelayFrame f)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + f.Content.Length * 3);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("id", seq);
            w.WriteNumber("userid", senderId);
            w.WriteNumber("cmd", f.Cmd);
            w.WriteNumber("dstid", f.DstId);
            if (f.Media != 0) w.WriteNumber("media", f.Media);
            if (f.Content.Length > 0) w.WriteString("content", f.Content);
            if (f.Pic.Length > 0) w.WriteString("pic", f.Pic);
            if (f.Url.Length > 0) w.WriteString("url", f.Url);
            if (f.Memo.Length > 0) w.WriteString("memo", f.Memo);
            if (f.Amount != 0) w.WriteNumber("amount", f.Amount);
            w.WriteNumber("createat", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(string code, string message, long clientRef)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteString("code", code);
            w.WriteString("msg", message);
            if (clientRef != 0) w.WriteNumber("ref", clientRef);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
