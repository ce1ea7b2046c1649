namespace AkkaChat.Edge.Tests.Transport;

using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using AkkaChat.Edge.Transport;

/// <summary>
/// The outbound side of a socket on its own, over a real loopback TCP connection: frames leave in order whenever
/// they are queued, a close goes out after the frames queued before it, a full queue drops its frames and closes with 1008, and
/// an idle writer wakes for a dropped connection.
/// </summary>
public sealed class SocketSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _request = new();
    private TcpClient _serverSide = null!;
    private TcpClient _clientSide = null!;
    private WebSocket _server = null!;
    private WebSocket _client = null!;

    public async Task InitializeAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            _clientSide = new TcpClient();
            var accept = listener.AcceptTcpClientAsync();
            await _clientSide.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            _serverSide = await accept;
        }
        finally
        {
            listener.Stop();
        }
        _server = WebSocket.CreateFromStream(_serverSide.GetStream(), new WebSocketCreationOptions { IsServer = true });
        _client = WebSocket.CreateFromStream(_clientSide.GetStream(), new WebSocketCreationOptions { IsServer = false });
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        _server.Dispose();
        _clientSide.Dispose();
        _serverSide.Dispose();
        _request.Dispose();
        return Task.CompletedTask;
    }

    private static ReadOnlyMemory<byte> Frame(int n) => Encoding.UTF8.GetBytes($"frame {n}");

    /// <summary>Reads text frames until the close frame; returns them and the close status.</summary>
    private async Task<(List<string> Frames, WebSocketCloseStatus? Status, string? Reason)> ReadUntilCloseAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var frames = new List<string>();
        var buffer = new byte[1024];
        for (var i = 0; i < 10_000; i++)
        {
            var received = await _client.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close) return (frames, received.CloseStatus, received.CloseStatusDescription);
            Assert.True(received.EndOfMessage, "every frame fits the buffer");
            frames.Add(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        throw new InvalidOperationException("no close frame after 10,000 frames");
    }

    [Fact]
    public async Task Frames_leave_in_order_whenever_queued_and_the_close_follows_them()
    {
        using var session = new SocketSession(new WebSocketTransport(_server, WebSocketMessageType.Text), capacity: 64, _request.Token);
        for (var i = 0; i < 3; i++) Assert.True(session.TryEnqueue(Frame(i))); // before the writer runs
        var writer = session.RunWriterAsync();
        for (var i = 3; i < 200; i++)
        {
            Assert.True(session.TryEnqueue(Frame(i)));
            if (i % 10 == 0) await Task.Delay(5); // let the writer drain and wait again
        }
        session.Close(WebSocketCloseStatus.NormalClosure, "done");
        Assert.False(session.TryEnqueue(Frame(999)), "nothing is queued after a close");

        var (frames, status, reason) = await ReadUntilCloseAsync();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"frame {i}"), frames);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("done", reason);
        await _client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await writer.WaitAsync(Bound);
        Assert.Equal(200, session.Written);
        Assert.Equal(0, session.Queued);
    }

    [Fact]
    public async Task A_full_queue_closes_the_socket_at_once_with_1008()
    {
        using var session = new SocketSession(new WebSocketTransport(_server, WebSocketMessageType.Text), capacity: 4, _request.Token);
        for (var i = 0; i < 4; i++) Assert.True(session.TryEnqueue(Frame(i)));
        Assert.Equal(4, session.Queued);

        Assert.False(session.TryEnqueue(Frame(4)), "the fifth frame does not fit");
        Assert.True(session.Overflowed);
        Assert.Equal(0, session.Queued); // a slow consumer gets the close frame next, not its backlog first
        Assert.False(session.TryEnqueue(Frame(5)));

        await session.RunWriterAsync().WaitAsync(Bound);
        Assert.Equal(0, session.Written);
        var (frames, status, reason) = await ReadUntilCloseAsync();
        Assert.Empty(frames);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Contains("slow consumer", reason);
    }

    [Fact]
    public async Task A_full_queue_left_to_its_caller_is_marked_and_closed_with_1008_when_the_caller_closes_it()
    {
        using var session = new SocketSession(new WebSocketTransport(_server, WebSocketMessageType.Text), capacity: 4, _request.Token);
        for (var i = 0; i < 4; i++) Assert.True(session.TryEnqueue(Frame(i), closeWhenFull: false));

        Assert.False(session.TryEnqueue(Frame(4), closeWhenFull: false), "the fifth frame does not fit");
        Assert.True(session.Overflowed);
        Assert.Null(session.CloseStarted); // the connection actor closes it once its user entity has been told
        Assert.Equal(4, session.Queued);

        session.Close(WebSocketCloseStatus.PolicyViolation, SocketSession.SlowConsumer);
        Assert.Equal(0, session.Queued);
        await session.RunWriterAsync().WaitAsync(Bound);
        var (frames, status, reason) = await ReadUntilCloseAsync();
        Assert.Empty(frames);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal(SocketSession.SlowConsumer, reason);
    }

    [Fact]
    public async Task An_idle_writer_ends_when_the_connection_drops()
    {
        using var session = new SocketSession(new WebSocketTransport(_server, WebSocketMessageType.Text), capacity: 64, _request.Token);
        var writer = session.RunWriterAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => writer.WaitAsync(Quiet.Window)); // an idle writer waits

        await _request.CancelAsync(); // Kestrel's RequestAborted
        await writer.WaitAsync(Bound);
        Assert.True(session.Closing.IsCancellationRequested);
    }
}
