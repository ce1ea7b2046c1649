namespace AkkaChat.Edge.Tests.Transport;

using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Tests.Protocols.Seed003;
using AkkaChat.Edge.Transport.Tcp;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

/// <summary>
/// The raw TCP edge on a real node (AKKACHAT_TCP_PORT): framing (split and coalesced frames), the frame limit, the idle
/// bound, a client that never reads, and the node's shutdown. What answers is seed-003 before sign (code 1, or error 2).
/// </summary>
public sealed class TcpEdgeTests(Seed003HostFixture fixture, ITestOutputHelper output) : IClassFixture<Seed003HostFixture>
{
    private const int MaxFrameBytes = 64 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private ChatHost Host => fixture.Host;

    [Fact]
    public async Task The_edge_is_off_unless_a_port_is_set()
    {
        var options = ChatOptions.Load(TestNode.Environment(TestNode.NewDataDir("")));
        Assert.Equal(0, options.TcpPort);
        Assert.Equal("127.0.0.1", options.TcpHost);
        await using var plain = await ChatHost.StartAsync();
        Assert.Null(plain.App.Services.GetService<TcpEdge>());
        Assert.DoesNotContain(plain.App.Services.GetServices<IHostedService>(), s => s is TcpEdge);
        Assert.NotNull(Host.App.Services.GetService<TcpEdge>());
    }

    [Fact]
    public void A_taken_tcp_port_or_a_host_that_is_no_ip_address_stops_the_start_with_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var env = TestNode.Environment(TestNode.NewDataDir(""), new Dictionary<string, string?>
        {
            ["AKKACHAT_HTTP_PORT"] = "0",
            ["AKKACHAT_REMOTE_PORT"] = "0",
            ["AKKACHAT_TCP_PORT"] = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture),
        });
        var inUse = Assert.Throws<StartupException>(() => ChatServer.Build(ChatOptions.Load(env)));
        Assert.Equal(StartupException.CannotListen, inUse.ExitCode);
        Assert.Contains("AKKACHAT_TCP_PORT", inUse.Message);

        env["AKKACHAT_TCP_HOST"] = "localhost";
        var notAnAddress = Assert.Throws<StartupException>(() => ChatServer.Build(ChatOptions.Load(env)));
        Assert.Equal(StartupException.BadConfiguration, notAnAddress.ExitCode);
        Assert.Contains("AKKACHAT_TCP_HOST", notAnAddress.Message);
    }

    [Fact]
    public async Task A_frame_split_across_packets_and_several_frames_in_one_packet_are_each_answered_in_order()
    {
        await using var client = await TcpTestClient.ConnectAsync(Port(Host));

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
        await using var client = await TcpTestClient.ConnectAsync(Port(Host));
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
        await using var client = await TcpTestClient.ConnectAsync(Port(Host));
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, length);

        await client.SendAsync([.. TcpTestClient.Frame(new Input { Type = "heartbeat" }), .. header, .. new byte[64]]);

        Assert.Equal(("heartbeat", 1), Summary(await client.ReceiveAsync()));
        await client.WaitEndedAsync(Bound);
    }

    [Fact]
    public async Task A_connection_that_completes_no_frame_for_the_idle_bound_is_ended_and_a_busy_one_is_not()
    {
        // The bound is two heartbeat intervals: 1.5 s here.
        var idle = TimeSpan.FromMilliseconds(1500);
        await using var host = await Seed003HostFixture.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_HEARTBEAT_MS"] = "750" });
        await using var silent = await TcpTestClient.ConnectAsync(Port(host));
        await using var trickling = await TcpTestClient.ConnectAsync(Port(host));
        await using var busy = await TcpTestClient.ConnectAsync(Port(host));
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
        await using var host = await Seed003HostFixture.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_OUTBOUND_QUEUE"] = "64" });
        var edge = host.App.Services.GetRequiredService<TcpEdge>();
        // A small receive buffer (fixed, so not grown by the kernel) lets the server's writes stall early.
        await using var client = await TcpTestClient.ConnectAsync(Port(host), read: false, receiveBuffer: 4096);
        var burst = Enumerable.Range(0, 100).SelectMany(_ => TcpTestClient.Frame(new Input { Type = "heartbeat" })).ToArray();

        // Every request is answered, nothing is read: the answers back up until the connection is ended. Had any stage
        // buffered without bound, the client would go on sending until the test's bound.
        var sentFrames = 0L;
        var started = DateTime.UtcNow;
        while (await client.TrySendAsync(burst))
        {
            sentFrames += 100;
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), $"the server took {sentFrames} requests without ending the connection");
            await Task.Delay(5); // paced, so that what stalls the writer is mostly the client's full window, not the request rate
        }

        await Until.TrueAsync(() => edge.Count == 0, Bound, "the edge to let the connection go");
        output.WriteLine($"ended after {sentFrames} requests in {(DateTime.UtcNow - started).TotalSeconds:F1} s ({client.LastError})");
        Assert.True(sentFrames > 64, $"ended after only {sentFrames} requests");
    }

    [Fact]
    public async Task The_node_stopping_ends_every_connection_signed_or_not_and_stops_listening()
    {
        await using var host = await Seed003HostFixture.StartAsync();
        var port = Port(host);
        using var eve = await host.NewUserAsync("eve");
        await using var signed = await Seed003Client.ConnectTcpAsync(port);
        await signed.SignAsync(eve.UserId, eve.Token);
        await signed.HeartbeatAsync();
        await using var unsigned = await TcpTestClient.ConnectAsync(port);
        await unsigned.SendAsync(TcpTestClient.Frame(new Input { Type = "heartbeat" }));
        Assert.Equal(("heartbeat", 1), Summary(await unsigned.ReceiveAsync()));

        var stopping = host.StopAsync();
        await unsigned.WaitEndedAsync(Bound);
        Assert.Equal((null, null), await signed.WaitClosedAsync(Bound));
        await stopping.WaitAsync(Bound);

        await Assert.ThrowsAnyAsync<SocketException>(() => TcpTestClient.ConnectAsync(port));
    }

    private static int Port(ChatHost host) => int.Parse(host.Environment["AKKACHAT_TCP_PORT"]!, CultureInfo.InvariantCulture);

    private static (string Type, int Code) Summary(Output output) => (output.Type, output.Code);
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
