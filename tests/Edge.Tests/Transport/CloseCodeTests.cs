namespace AkkaChat.Edge.Tests.Transport;

using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The close codes a real client sees (docs/PROTOCOL.md §2, §3): 1007 for a text frame that is not UTF-8, 1008 for a
/// reader that lets its queue fill, each as a close frame the client reads, not a reset (1006).
/// </summary>
public sealed class CloseCodeTests
{
    [Fact]
    public async Task A_text_frame_that_is_not_utf8_closes_with_1007_on_both_protocols()
    {
        await using var host = await ChatHost.StartAsync();
        using var ann = await host.NewUserAsync("ann");
        await using var legacy = await ann.OpenAsync("ann/seed");
        await using var v2 = await FrameInbox.OpenV2Async(ann, "ann/v2");

        foreach (var socket in new[] { legacy, v2 })
        {
            await socket.Socket.SendAsync(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            var status = await socket.ClosedAsync();
            Assert.True(status == WebSocketCloseStatus.InvalidPayloadData, $"{socket.Label}: expected 1007, got {status?.ToString() ?? "no close frame (1006)"}");
        }

        // The user's next socket works.
        await using var again = await ann.OpenAsync("ann/again");
        await again.SendAsync(new { id = 5, cmd = 99, dstid = 1 });
        (await again.NextErrorAsync()).AssertError("unknown-cmd", clientRef: 5);
    }

    /// <summary>
    /// The race the live fuzzer met in CI: the reply to a bad frame is still being written when the next frame is refused.
    /// The writer then fails on a socket whose close is already out. A node that aborted the session at that point, or took
    /// the read loop's cancellation for an ordinary end, reset the connection under the 1007 (2-10 sockets in 300).
    /// </summary>
    [Fact]
    public async Task A_non_utf8_frame_right_after_one_that_gets_a_reply_still_closes_with_1007()
    {
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_MSG_RATE"] = "100000" });
        using var ann = await host.NewUserAsync("ann");
        var answered = Encoding.UTF8.GetBytes("{\"type\":\"flags\",\"conv\":[1,[2,[3]]],\"pinned\"");
        var notUtf8 = new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}', 0xF0, 0xCF, 0x08 };
        var resets = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            await using var socket = i % 2 == 0 ? await FrameInbox.OpenV2Async(ann, $"ann/v2#{i}") : await ann.OpenAsync($"ann/seed#{i}");
            await socket.Socket.SendAsync(answered, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            await socket.Socket.SendAsync(notUtf8, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            var status = await socket.ClosedAsync();
            if (status != WebSocketCloseStatus.InvalidPayloadData) resets.Add($"{socket.Label}: {status?.ToString() ?? "no close frame (1006)"}");
        }
        Assert.True(resets.Count == 0, $"expected 1007 on every socket:\n{string.Join("\n", resets)}");
    }

    [Fact]
    public async Task A_reader_that_never_reads_while_the_server_pushes_is_closed_with_1008_after_what_was_in_flight()
    {
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?>
        {
            ["AKKACHAT_OUTBOUND_QUEUE"] = "8",
            ["AKKACHAT_MSG_RATE"] = "2000",
        });
        using var watch = NodeLogWatch.Start(host, "slow consumer");
        using var pusher = await host.NewUserAsync("pusher");
        using var sloth = await host.NewUserAsync("sloth");
        await pusher.BefriendAsync(sloth);
        await using var sending = await pusher.OpenAsync("pusher");
        using var slow = await ConnectWithSmallReceiveBufferAsync(host, sloth);

        // Large frames fill the TCP buffers quickly; then the server's queue of 8 fills and it gives up on the reader.
        var content = new string('z', 30_000);
        // Sends until the node gives up on the reader, bounded in time (a loaded node persists and pushes slowly, and
        // refuses sends beyond its in-flight limit, so no fixed count is enough).
        var sent = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!watch.Seen.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the server did not close a reader that read nothing within 90 s ({sent} messages sent)");
            await sending.SendAsync(new { id = ++sent, dstid = sloth.UserId, cmd = 10, media = 1, content });
            if (sent % 20 == 0) await Task.WhenAny(watch.Seen, Task.Delay(20));
        }

        // Now the client reads: whatever the connection already held, then the close frame.
        var (frames, status, reason) = await ReadUntilCloseAsync(slow, TimeSpan.FromSeconds(20));
        Assert.True(status == WebSocketCloseStatus.PolicyViolation, $"expected 1008 after {frames} frames, got {status?.ToString() ?? "no close frame (1006)"}");
        Assert.Contains("slow consumer", reason);
        Assert.InRange(frames, 1, sent);
    }

    /// <summary>A seed-000 socket whose receive buffer is small, so a client that does not read fills it quickly.</summary>
    private static async Task<ClientWebSocket> ConnectWithSmallReceiveBufferAsync(ChatHost host, ChatClient user)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        var uri = ChatClient.SocketUri(host.BaseUri, user.UserId, user.Token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
        return client;
    }

    private static async Task<(int Frames, WebSocketCloseStatus? Status, string? Reason)> ReadUntilCloseAsync(ClientWebSocket socket, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        var buffer = new byte[64 * 1024];
        var frames = 0;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, timeout.Token);
                if (received.MessageType == WebSocketMessageType.Close) return (frames, received.CloseStatus, received.CloseStatusDescription);
                if (received.EndOfMessage) frames++;
            }
        }
        catch (WebSocketException)
        {
            return (frames, null, null);
        }
    }
}

/// <summary>Completes <see cref="Seen"/> when the node logs a warning containing a given text (Akka's event stream).</summary>
public sealed class NodeLogWatch : IDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _watcher;
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeLogWatch(ChatHost host, string text)
    {
        _system = host.App.Services.GetRequiredService<ActorSystem>();
        _watcher = _system.ActorOf(Props.Create(() => new Watcher(text, _seen)));
        _system.EventStream.Subscribe(_watcher, typeof(Warning));
    }

    public Task Seen => _seen.Task;

    public static NodeLogWatch Start(ChatHost host, string text) => new(host, text);

    public void Dispose()
    {
        _system.EventStream.Unsubscribe(_watcher);
        _system.Stop(_watcher);
    }

    private sealed class Watcher(string text, TaskCompletionSource seen) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is Warning w && w.Message?.ToString()?.Contains(text, StringComparison.Ordinal) == true) seen.TrySetResult();
            return true;
        }
    }
}
