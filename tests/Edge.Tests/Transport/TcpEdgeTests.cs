namespace AkkaChat.Edge.Tests.Transport;

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.Actor;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Transport;
using AkkaChat.Edge.Transport.Tcp;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

/// <summary>
/// The raw TCP edge on real sockets: framing (split and coalesced frames), the frame limit, the idle bound, a client that
/// never reads, and the node's shutdown. Everything the protocol answers is the seed-003 reply to a request before sign.
/// </summary>
public sealed class TcpEdgeTests(ChatHostFixture fixture, ITestOutputHelper output) : IClassFixture<ChatHostFixture>
{
    private const int MaxFrameBytes = 64 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public void The_edge_is_off_unless_a_port_is_set()
    {
        var options = ChatOptions.Load(TestNode.Environment(TestNode.NewDataDir("")));
        Assert.Equal(0, options.TcpPort);
        Assert.Equal("127.0.0.1", options.TcpHost);
        Assert.Null(fixture.Host.App.Services.GetService<TcpEdge>());
        Assert.DoesNotContain(fixture.Host.App.Services.GetServices<IHostedService>(), s => s is TcpEdge);
    }

    [Fact]
    public async Task A_frame_split_across_packets_and_several_frames_in_one_packet_are_each_answered_in_order()
    {
        await using var edge = await EdgeAsync();
        await using var client = await TcpTestClient.ConnectAsync(edge.Port);

        // One frame in five writes: the header in two parts, the body in three; nothing is answered before the last byte.
        var frame = TcpTestClient.Frame(new Input { Type = "heartbeat", Data = ByteString.CopyFromUtf8("split") });
        foreach (var (start, end) in new[] { (0, 1), (1, 4), (4, 6), (6, frame.Length - 1) })
        {
            await client.SendAsync(frame[start..end]);
            await client.AssertSilentAsync(TimeSpan.FromMilliseconds(150));
        }
        await client.SendAsync(frame[^1..]);
        Assert.Equal(("heartbeat", 1), Summary(await client.ReceiveAsync()));

        // Three whole frames and the start of a fourth in one write: three answers in order, the fourth after its rest.
        var fourth = TcpTestClient.Frame(new Input { Type = "sync" });
        await client.SendAsync([
            .. TcpTestClient.Frame(new Input { Type = "heartbeat" }),
            .. TcpTestClient.FrameBytes([0xff, 0xff, 0xff]),
            .. TcpTestClient.Frame(new Input { Type = "getconversationlist" }),
            .. fourth[..3],
        ]);
        Assert.Equal(("heartbeat", 1), Summary(await client.ReceiveAsync()));
        Assert.Equal(("error", 2), Summary(await client.ReceiveAsync()));
        Assert.Equal(("getconversationlist", 1), Summary(await client.ReceiveAsync()));
        await client.AssertSilentAsync(Quiet.Window);
        await client.SendAsync(fourth[3..]);
        Assert.Equal(("sync", 1), Summary(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task A_frame_at_the_limit_is_taken()
    {
        await using var edge = await EdgeAsync();
        await using var client = await TcpTestClient.ConnectAsync(edge.Port);
        var input = new Input { Type = "heartbeat", Data = ByteString.CopyFrom(new byte[MaxFrameBytes - 16]) };
        var payload = input.ToByteArray();
        input.Data = ByteString.CopyFrom(new byte[input.Data.Length + MaxFrameBytes - payload.Length]);
        Assert.Equal(MaxFrameBytes, input.CalculateSize());

        await client.SendAsync(TcpTestClient.Frame(input));
        Assert.Equal(("heartbeat", 1), Summary(await client.ReceiveAsync()));
    }

    [Theory]
    [InlineData(MaxFrameBytes + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_length_outside_1_to_the_limit_ends_the_connection_after_the_answers_to_the_frames_before_it(int length)
    {
        await using var edge = await EdgeAsync();
        await using var client = await TcpTestClient.ConnectAsync(edge.Port);
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, length);

        await client.SendAsync([.. TcpTestClient.Frame(new Input { Type = "heartbeat" }), .. header, .. new byte[64]]);

        Assert.Equal(("heartbeat", 1), Summary(await client.ReceiveAsync()));
        await client.WaitEndedAsync(Bound);
        await Until.TrueAsync(() => edge.Edge.Count == 0, Bound, "the edge to let the connection go");
    }

    [Fact]
    public async Task A_connection_that_completes_no_frame_for_the_idle_bound_is_ended_and_a_busy_one_is_not()
    {
        var idle = TimeSpan.FromMilliseconds(1500);
        await using var edge = await EdgeAsync(idle);
        await using var silent = await TcpTestClient.ConnectAsync(edge.Port);
        await using var trickling = await TcpTestClient.ConnectAsync(edge.Port);
        await using var busy = await TcpTestClient.ConnectAsync(edge.Port);
        var started = DateTime.UtcNow;

        // The trickling client sends a frame's header and then one byte at a time: bytes alone do not keep it open.
        var frame = TcpTestClient.Frame(new Input { Type = "heartbeat", Data = ByteString.CopyFrom(new byte[64]) });
        await trickling.SendAsync(frame[..4]);
        var sent = 4;
        while (DateTime.UtcNow - started < 2 * idle)
        {
            await busy.SendAsync(TcpTestClient.Frame(new Input { Type = "heartbeat" }));
            Assert.Equal(("heartbeat", 1), Summary(await busy.ReceiveAsync()));
            if (sent < frame.Length - 1 && await trickling.TrySendAsync(frame[sent..(sent + 1)])) sent++;
            await Task.Delay(idle / 5);
        }

        await silent.WaitEndedAsync(Bound);
        await trickling.WaitEndedAsync(Bound);
        Assert.True(DateTime.UtcNow - started >= idle, "ended before the idle bound");
        Assert.False(busy.Ended);
        await busy.SendAsync(TcpTestClient.Frame(new Input { Type = "heartbeat" }));
        Assert.Equal(("heartbeat", 1), Summary(await busy.ReceiveAsync()));
    }

    [Fact]
    public async Task A_client_that_never_reads_is_ended_as_a_slow_consumer_once_the_bounded_queues_are_full()
    {
        await using var edge = await EdgeAsync(outboundQueue: 64);
        // A small receive buffer (fixed, so not grown by the kernel) lets the server's writes stall early.
        await using var client = await TcpTestClient.ConnectAsync(edge.Port, read: false, receiveBuffer: 4096);
        var burst = Enumerable.Range(0, 100).SelectMany(_ => TcpTestClient.Frame(new Input { Type = "heartbeat" })).ToArray();

        // Every request is answered, nothing is read: the answers back up until the connection is ended. Had any stage
        // buffered without bound, the client would go on sending until the test's bound.
        var sentFrames = 0L;
        var started = DateTime.UtcNow;
        var deadline = started + TimeSpan.FromSeconds(60);
        while (await client.TrySendAsync(burst))
        {
            sentFrames += 100;
            Assert.True(DateTime.UtcNow < deadline, $"the server took {sentFrames} requests without ending the connection");
            // Paced so that the writer keeps up and what stalls it is the client's full window, not the request rate.
            await Task.Delay(5);
        }

        await Until.TrueAsync(() => edge.Edge.Count == 0, Bound, "the edge to let the connection go");
        output.WriteLine($"ended after {sentFrames} requests in {(DateTime.UtcNow - started).TotalSeconds:F1} s; {client.LastError}");
        Assert.True(sentFrames > 64, $"ended after only {sentFrames} requests");
    }

    [Fact]
    public async Task Stopping_the_edge_ends_every_connection_after_what_was_queued_and_stops_listening()
    {
        await using var edge = await EdgeAsync();
        await using var first = await TcpTestClient.ConnectAsync(edge.Port);
        await using var second = await TcpTestClient.ConnectAsync(edge.Port);
        await first.SendAsync(TcpTestClient.Frame(new Input { Type = "heartbeat" }));
        Assert.Equal(("heartbeat", 1), Summary(await first.ReceiveAsync()));

        await edge.DisposeAsync();

        await first.WaitEndedAsync(Bound);
        await second.WaitEndedAsync(Bound);
        Assert.Equal(0, edge.Edge.Count);
        await Assert.ThrowsAnyAsync<SocketException>(() => TcpTestClient.ConnectAsync(edge.Port));
    }

    private sealed class TestLogger(ITestOutputHelper output) : ILogger<TcpEdge>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"[edge {DateTime.UtcNow:HH:mm:ss.fff}] {logLevel}: {formatter(state, exception)} {exception}");
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static (string Type, int Code) Summary(Output output) => (output.Type, output.Code);

    private async Task<RunningEdge> EdgeAsync(TimeSpan? idle = null, int outboundQueue = 1024)
    {
        var services = fixture.Host.App.Services;
        var edge = new TcpEdge(services.GetRequiredService<ActorSystem>(),
            new TcpEdgeSettings("127.0.0.1", 0, MaxFrameBytes, outboundQueue, idle ?? TimeSpan.FromSeconds(60)),
            (session, _) => new PreSignStandIn(session), services.GetRequiredService<IHostApplicationLifetime>(), new TestLogger(output));
        await edge.StartAsync(CancellationToken.None);
        return new RunningEdge(edge, ((IPEndPoint)edge.LocalAddress!).Port);
    }

    private sealed record RunningEdge(TcpEdge Edge, int Port) : IAsyncDisposable
    {
        private bool _stopped;

        public async ValueTask DisposeAsync()
        {
            if (_stopped) return;
            _stopped = true;
            await Edge.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Answers every request the way seed-003 answers one before sign (code 1), bytes that are not an Input with error 2.</summary>
    private sealed class PreSignStandIn(SocketSession session) : ITcpFrameHandler
    {
        public ValueTask OnFrameAsync(byte[] frame)
        {
            Output output;
            try
            {
                output = new Output { Type = Input.Parser.ParseFrom(frame).Type, Code = 1, Message = "sign first" };
            }
            catch (InvalidProtocolBufferException e)
            {
                output = new Output { Type = "error", Code = 2, Message = e.Message };
            }
            session.TryEnqueue(output.ToByteArray());
            return ValueTask.CompletedTask;
        }

        public void OnClosed() => session.Close(WebSocketCloseStatus.NormalClosure, "bye");
    }
}

/// <summary>A raw TCP client of the edge: length-prefixed frames, a reader that collects Outputs, bounded waits.</summary>
internal sealed class TcpTestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Channel<Output> _received = Channel.CreateUnbounded<Output>();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TcpTestClient(Socket socket) => _socket = socket;

    /// <summary>The server ended the connection (end of stream or a reset), as the reader saw it.</summary>
    public bool Ended => _ended.Task.IsCompleted;

    public string? LastError { get; private set; }

    public static async Task<TcpTestClient> ConnectAsync(int port, bool read = true, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer is { } size) socket.ReceiveBufferSize = size;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var client = new TcpTestClient(socket);
        if (read) _ = client.ReadAsync();
        return client;
    }

    public static byte[] Frame(IMessage message) => FrameBytes(message.ToByteArray());

    public static byte[] FrameBytes(byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
    }

    /// <summary>Sends, or false once the server has ended the connection (a reset, or a write that stays blocked for 15 s).</summary>
    public async Task<bool> TrySendAsync(byte[] bytes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            LastError = e.Message;
            return false;
        }
    }

    public async Task<Output> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _received.Reader.ReadAsync(cancel.Token);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("the server ended the connection instead of answering");
        }
    }

    public async Task AssertSilentAsync(TimeSpan window)
    {
        await Task.Delay(window);
        if (_received.Reader.TryRead(out var output)) throw new InvalidOperationException($"expected silence, got {output}");
        Assert.False(Ended, "expected silence, the server ended the connection");
    }

    /// <summary>Waits (bounded) until the server ends the connection; answers still unread are dropped.</summary>
    public Task WaitEndedAsync(TimeSpan bound) => _ended.Task.WaitAsync(bound);

    private async Task ReadAsync()
    {
        var header = new byte[4];
        try
        {
            while (true)
            {
                if (!await ReadExactlyAsync(header)) break;
                var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
                if (!await ReadExactlyAsync(payload)) break;
                _received.Writer.TryWrite(Output.Parser.ParseFrom(payload));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _received.Writer.TryComplete();
        _ended.TrySetResult();
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
