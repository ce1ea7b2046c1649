namespace AkkaChat.Edge.Tests.Transport;

using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using AkkaChat.Edge.Transport;

/// <summary>
/// Pooled frames on a <see cref="SocketSession"/>: a pooled frame's array goes back to the session's pool only once the
/// transport has taken it (never while its send is pending, never after a failed send), a shared frame's never; what a
/// client receives is intact while arrays are reused for the frames behind it. The pool poisons every array returned to it,
/// so a return made too early shows up as a corrupted frame.
/// </summary>
public sealed class PooledFrameTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    [Fact]
    public async Task A_pooled_frame_goes_back_to_the_pool_once_written_and_a_shared_frame_never()
    {
        var pool = new PoisoningPool();
        var transport = new HeldTransport();
        using var request = new CancellationTokenSource();
        using var session = new SocketSession(transport, capacity: 8, request.Token, pool);
        var first = pool.Frame("pooled 1");
        var shared = Encoding.UTF8.GetBytes("shared");
        var second = pool.Frame("pooled 2");
        Assert.True(session.TryEnqueue(first));
        Assert.True(session.TryEnqueue(shared));
        Assert.True(session.TryEnqueue(second));
        var writer = session.RunWriterAsync();

        await Until.TrueAsync(() => transport.Started == 1, Bound, "the writer sends the first frame");
        Assert.Empty(pool.Returned); // its send is still pending: the transport may yet read the array
        transport.CompleteOne();
        await Until.TrueAsync(() => session.Written == 1, Bound, "the first frame is written");
        AssertReturned(pool, first);

        await Until.TrueAsync(() => transport.Started == 2, Bound, "the writer sends the shared frame");
        transport.CompleteOne();
        await Until.TrueAsync(() => transport.Started == 3, Bound, "the writer sends the second pooled frame");
        AssertReturned(pool, first); // the shared frame was written and not returned
        transport.CompleteOne();
        await Until.TrueAsync(() => session.Written == 3, Bound, "every frame is written");

        session.Close(WebSocketCloseStatus.NormalClosure, "done");
        await writer.WaitAsync(Bound);
        Assert.Equal(["pooled 1", "shared", "pooled 2"], transport.Received);
        AssertReturned(pool, first, second);
        Assert.Equal("shared", Encoding.UTF8.GetString(shared)); // never poisoned: never returned
    }

    [Fact]
    public async Task A_failed_send_keeps_its_array_from_the_pool()
    {
        var pool = new PoisoningPool();
        var transport = new HeldTransport();
        using var request = new CancellationTokenSource();
        using var session = new SocketSession(transport, capacity: 8, request.Token, pool);
        Assert.True(session.TryEnqueue(pool.Frame("lost")));
        var writer = session.RunWriterAsync();

        await Until.TrueAsync(() => transport.Started == 1, Bound, "the writer sends the frame");
        transport.FailOne(); // the socket may still hold the bytes of a write that failed
        await writer.WaitAsync(Bound);
        Assert.Equal(0, session.Written);
        Assert.Empty(pool.Returned);
    }

    [Fact]
    public async Task Pooled_frames_a_policy_close_drops_or_a_closed_session_refuses_go_back_to_the_pool()
    {
        var pool = new PoisoningPool();
        var transport = new HeldTransport();
        using var request = new CancellationTokenSource();
        using var session = new SocketSession(transport, capacity: 2, request.Token, pool);
        var queued = new[] { pool.Frame("a"), pool.Frame("b") };
        foreach (var frame in queued) Assert.True(session.TryEnqueue(frame));
        var overflow = pool.Frame("c");
        var shared = Encoding.UTF8.GetBytes("shared");

        Assert.False(session.TryEnqueue(overflow), "the third frame does not fit: slow consumer");
        Assert.True(session.Overflowed);
        Assert.False(session.TryEnqueue(shared), "nothing is queued after the close");
        Assert.Equal(3, pool.Returned.Count); // none of them ever reached the transport
        Assert.True(pool.Returned.ToHashSet(ReferenceEqualityComparer.Instance).SetEquals([overflow.Rented!, queued[0].Rented!, queued[1].Rented!]));
        Assert.Equal("shared", Encoding.UTF8.GetString(shared));

        await session.RunWriterAsync().WaitAsync(Bound);
        Assert.Empty(transport.Received);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, SocketSession.SlowConsumer), transport.Closed);
    }

    [Fact]
    public async Task A_client_receives_every_pooled_frame_intact_while_their_arrays_are_reused()
    {
        const int Frames = 2_000;
        var (serverSide, clientSide) = await ConnectAsync();
        using var server = WebSocket.CreateFromStream(serverSide.GetStream(), new WebSocketCreationOptions { IsServer = true });
        using var client = WebSocket.CreateFromStream(clientSide.GetStream(), new WebSocketCreationOptions { IsServer = false });
        var pool = new PoisoningPool();
        using var request = new CancellationTokenSource();
        // The transport gives up the thread before the WebSocket reads the bytes, as a socket busy with the frame before does.
        using var session = new SocketSession(new YieldingTransport(new WebSocketTransport(server, WebSocketMessageType.Text)), capacity: 16, request.Token, pool);
        var writer = session.RunWriterAsync();
        var reader = ReadAllAsync(client);

        var deadline = DateTime.UtcNow + Bound;
        for (var i = 0; i < Frames; i++)
        {
            while (session.Queued >= session.Capacity)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the writer does not drain the queue");
                await Task.Yield();
            }
            Assert.True(session.TryEnqueue(pool.Frame(Expected(i)), closeWhenFull: false));
        }
        session.Close(WebSocketCloseStatus.NormalClosure, "done");

        var received = await reader.WaitAsync(Bound);
        Assert.Equal(Enumerable.Range(0, Frames).Select(Expected), received);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await writer.WaitAsync(Bound);
        Assert.Equal(Frames, session.Written);
        Assert.Equal(Frames, pool.Returned.Count); // every array went back, once each (the pool refuses a second return)
        Assert.True(pool.Allocated < Frames / 10, $"arrays were reused ({pool.Allocated} allocated for {Frames} frames)");
        serverSide.Dispose();
        clientSide.Dispose();
    }

    /// <summary>The pool got back exactly these frames' arrays (the same arrays, not equal ones: returned arrays all read <c>#</c>), in this order.</summary>
    private static void AssertReturned(PoisoningPool pool, params OutboundFrame[] frames)
    {
        var returned = pool.Returned;
        Assert.Equal(frames.Length, returned.Count);
        for (var i = 0; i < frames.Length; i++) Assert.Same(frames[i].Rented, returned[i]);
    }

    /// <summary>Frames of several lengths, so a reused array holds a longer frame's tail past a shorter one's end.</summary>
    private static string Expected(int i) => $"frame {i} " + new string((char)('a' + (i % 26)), i % 7 * 9);

    private static async Task<List<string>> ReadAllAsync(WebSocket client)
    {
        var frames = new List<string>();
        var buffer = new byte[1024];
        for (var i = 0; i < 100_000; i++)
        {
            var received = await client.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close) return frames;
            Assert.True(received.EndOfMessage, "every frame fits the buffer");
            frames.Add(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        throw new InvalidOperationException("no close frame after 100,000 frames");
    }

    private static async Task<(TcpClient Server, TcpClient Client)> ConnectAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var client = new TcpClient();
            var accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            return (await accept, client);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>
    /// A pool that hands out its returned arrays again (newest first, as <see cref="ArrayPool{T}.Shared"/> does on one
    /// thread), fills every returned array with <c>#</c>, and refuses an array it did not rent or that is already back.
    /// </summary>
    private sealed class PoisoningPool : ArrayPool<byte>
    {
        private readonly Lock _gate = new();
        private readonly Stack<byte[]> _free = new();
        private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);
        private readonly List<byte[]> _returned = [];

        public int Allocated { get; private set; }

        public IReadOnlyList<byte[]> Returned
        {
            get
            {
                lock (_gate) return [.. _returned];
            }
        }

        /// <summary>A pooled frame of <paramref name="text"/>, as an encoder makes one.</summary>
        public OutboundFrame Frame(string text)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            var rented = Rent(length);
            Encoding.UTF8.GetBytes(text, rented);
            return OutboundFrame.Pooled(rented, length);
        }

        public override byte[] Rent(int minimumLength)
        {
            lock (_gate)
            {
                var array = _free.Count > 0 && _free.Peek().Length >= minimumLength ? _free.Pop() : Allocate(minimumLength);
                _out.Add(array);
                return array;
            }
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            lock (_gate)
            {
                if (!_out.Remove(array)) throw new InvalidOperationException("an array returned that is not out of this pool");
                array.AsSpan().Fill((byte)'#');
                _returned.Add(array);
                _free.Push(array);
            }
        }

        private byte[] Allocate(int minimumLength)
        {
            Allocated++;
            return new byte[Math.Max(128, minimumLength)];
        }
    }

    /// <summary>A transport whose sends complete (or fail) when the test says; it reads a frame's bytes only then.</summary>
    private sealed class HeldTransport : ISocketTransport
    {
        private readonly Lock _gate = new();
        private readonly Queue<TaskCompletionSource<bool>> _pending = new();
        private readonly List<string> _received = [];
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public IReadOnlyList<string> Received
        {
            get
            {
                lock (_gate) return [.. _received];
            }
        }

        public (WebSocketCloseStatus, string)? Closed { get; private set; }

        public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel)
        {
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate) _pending.Enqueue(release);
            Interlocked.Increment(ref _started);
            if (!await release.Task.WaitAsync(cancel)) throw new WebSocketException("the connection was reset");
            lock (_gate) _received.Add(Text(frame));
        }

        public void CompleteOne() => Take().SetResult(true);

        public void FailOne() => Take().SetResult(false);

        public Task<bool> CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancel)
        {
            Closed = (status, reason);
            return Task.FromResult(true);
        }

        public void Abort()
        {
        }

        private TaskCompletionSource<bool> Take()
        {
            lock (_gate) return _pending.Dequeue();
        }
    }

    /// <summary>A real transport that lets the writer's thread go before it sends: the bytes are read after the writer could have moved on.</summary>
    private sealed class YieldingTransport(ISocketTransport inner) : ISocketTransport
    {
        public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel)
        {
            await Task.Yield();
            await inner.SendAsync(frame, cancel);
        }

        public Task<bool> CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancel) => inner.CloseAsync(status, reason, cancel);

        public void Abort() => inner.Abort();
    }
}
