namespace AkkaChat.LoadTest.Sockets;

using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

/// <summary>How a protocol's frames travel: WebSocket messages (text or binary) or length-prefixed frames on raw TCP.</summary>
public enum FrameTransport
{
    /// <summary>One text message per frame (<c>/chat</c>: seed-000 and v2 JSON).</summary>
    WebSocketText,
    /// <summary>One binary message per frame (seed-003 on <c>/ws</c>).</summary>
    WebSocketBinary,
    /// <summary>A 4-byte big-endian length, then the frame (seed-003 on the node's TCP port).</summary>
    Tcp,
}

/// <summary>
/// One connection of a simulated socket, whatever carries it. One reader and one writer at a time (the socket's receive
/// and send loops); <see cref="ReceiveAsync"/>'s frame is valid until the next call.
/// </summary>
public interface IFrameLink : IDisposable
{
    bool IsOpen { get; }

    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct);

    /// <summary>The next frame, or null when the peer closed (then <see cref="CloseReason"/> says why).</summary>
    ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct);

    string CloseReason { get; }

    /// <summary>Closes politely within <paramref name="timeout"/>, else drops the connection.</summary>
    Task CloseAsync(TimeSpan timeout);

    /// <summary>Drops the connection at once.</summary>
    void Abort();
}

/// <summary>A WebSocket whose every message is one frame.</summary>
public sealed class WebSocketLink(ClientWebSocket ws, WebSocketMessageType frames, int maxFrame) : IFrameLink
{
    private byte[] _buffer = new byte[1024];

    public bool IsOpen => ws.State == WebSocketState.Open;

    public string CloseReason { get; private set; } = "closed";

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct) => ws.SendAsync(frame, frames, endOfMessage: true, ct);

    /// <remarks>
    /// Pooled: a receive waits until the socket's next frame (about a second at chat rates), so a state machine allocated
    /// per frame would outlive the generator's gen0 collections.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == _buffer.Length)
            {
                if (_buffer.Length >= maxFrame) throw new WebSocketException($"frame larger than {maxFrame} bytes");
                Array.Resize(ref _buffer, Math.Min(maxFrame, _buffer.Length * 4));
            }
            result = await ws.ReceiveAsync(_buffer.AsMemory(length), ct);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            CloseReason = $"{ws.CloseStatus}: {ws.CloseStatusDescription}";
            return null;
        }
        return _buffer.AsMemory(0, length);
    }

    public async Task CloseAsync(TimeSpan timeout)
    {
        if (ws.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }
        Abort();
    }

    public void Abort()
    {
        ws.Abort();
        ws.Dispose();
    }

    public void Dispose() => ws.Dispose();
}

/// <summary>
/// Raw TCP carrying frames as a 4-byte big-endian length and the frame (docs/PROTOCOL.md, the TCP edge). Reads go
/// through one buffer that keeps what arrived past the current frame; a length above <c>maxFrame</c> ends the link.
/// </summary>
public sealed class TcpLink(Socket socket, int maxFrame) : IFrameLink
{
    private const int HeaderBytes = 4;

    private byte[] _in = new byte[4096];
    private int _start;
    private int _end;
    private byte[] _out = new byte[512];
    private int _open = 1;

    public bool IsOpen => Volatile.Read(ref _open) == 1;

    public string CloseReason { get; private set; } = "closed";

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        // Header and frame in one write: one segment on the wire for a small frame.
        var total = HeaderBytes + frame.Length;
        if (_out.Length < total) _out = new byte[Math.Max(total, _out.Length * 2)];
        BinaryPrimitives.WriteInt32BigEndian(_out, frame.Length);
        frame.CopyTo(_out.AsMemory(HeaderBytes));
        var sent = 0;
        while (sent < total) sent += await socket.SendAsync(_out.AsMemory(sent, total - sent), SocketFlags.None, ct);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct)
    {
        if (!await FillAsync(HeaderBytes, ct)) return null;
        var length = BinaryPrimitives.ReadInt32BigEndian(_in.AsSpan(_start, HeaderBytes));
        if (length < 0 || length > maxFrame) throw new IOException($"the server announced a frame of {length} bytes (limit {maxFrame})");
        if (!await FillAsync(HeaderBytes + length, ct)) return null;
        var frame = _in.AsMemory(_start + HeaderBytes, length);
        _start += HeaderBytes + length;
        return frame;
    }

    /// <summary>Reads until <paramref name="needed"/> bytes from <c>_start</c> are buffered; false when the server ended the stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(int needed, CancellationToken ct)
    {
        if (_end - _start >= needed) return true;
        if (_start == _end) _start = _end = 0;
        if (_in.Length - _start < needed)
        {
            // Move what is left to the front, growing the buffer only for a frame larger than it.
            var target = _in.Length >= needed ? _in : new byte[Math.Max(needed, _in.Length * 2)];
            Buffer.BlockCopy(_in, _start, target, 0, _end - _start);
            (_in, _end, _start) = (target, _end - _start, 0);
        }
        while (_end - _start < needed)
        {
            var read = await socket.ReceiveAsync(_in.AsMemory(_end), SocketFlags.None, ct);
            if (read == 0)
            {
                CloseReason = "the server ended the TCP stream";
                Volatile.Write(ref _open, 0);
                return false;
            }
            _end += read;
        }
        return true;
    }

    public Task CloseAsync(TimeSpan timeout)
    {
        try
        {
            if (IsOpen) socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        Abort();
        return Task.CompletedTask;
    }

    public void Abort()
    {
        Volatile.Write(ref _open, 0);
        socket.Dispose();
    }

    public void Dispose() => socket.Dispose();
}
