namespace AkkaChat.Edge.Tests.Tooling;

using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaChat.LoadTest.Cli;
using AkkaChat.LoadTest.Protocol;
using AkkaChat.LoadTest.Sockets;
using Google.Protobuf;
using Wire = AkkaChat.Edge.Protocols.Seed003.Wire;

/// <summary>
/// The harness's seed-003 client: its options, its hand-written frames read back by the generated types of the node's
/// own .proto (and the node's Outputs read by it), and its TCP framing.
/// </summary>
public sealed class LoadTestSeed003Tests
{
    private const string Url = "http://127.0.0.1:8080";
    private const uint Run = 0x1234abcd;

    [Fact]
    public void Seed003_goes_over_ws_unless_tcp_is_asked_for_with_each_nodes_tcp_port()
    {
        var ws = LoadOptions.Parse(["direct", "--url", Url, "--protocol", "seed003"]);
        Assert.Equal(("seed003", "ws"), (ws.Protocol, ws.Transport));
        Assert.Empty(ws.TcpPorts);

        var tcp = LoadOptions.Parse(["find-max", "--url", "http://127.0.0.1:8081,http://127.0.0.1:8082", "--protocol", "seed003", "--transport", "tcp", "--tcp-port", "9001", "--tcp-port=9002"]);
        Assert.Equal("tcp", tcp.Transport);
        Assert.Equal([9001, 9002], tcp.TcpPorts);
    }

    [Theory]
    [InlineData("--tcp-port (the node's AKKACHAT_TCP_PORT)", "--protocol", "seed003", "--transport", "tcp")]
    [InlineData("one per node", "--protocol", "seed003", "--transport", "tcp", "--tcp-port", "9001,9002")]
    [InlineData("--tcp-port must be TCP ports", "--protocol", "seed003", "--transport", "tcp", "--tcp-port", "70000")]
    [InlineData("only for --transport tcp", "--protocol", "seed003", "--tcp-port", "9001")]
    [InlineData("needs --protocol seed003", "--protocol", "v2", "--transport", "tcp", "--tcp-port", "9001")]
    [InlineData("--transport must be ws or tcp", "--protocol", "seed003", "--transport", "udp")]
    [InlineData("or seed003", "--protocol", "seed004")]
    public void Bad_seed003_options_are_refused_with_the_reason(string reason, params string[] options)
    {
        var e = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["direct", "--url", Url, .. options]));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Storm_is_refused_on_seed003_whose_sockets_do_not_resume()
    {
        var e = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["storm", "--url", Url, "--protocol", "seed003"]));
        Assert.Contains("storm is not for seed003", e.Message);
    }

    [Fact]
    public void The_handshake_signs_in_as_the_user_then_heartbeats_and_the_heartbeat_answer_ends_it()
    {
        var protocol = new Seed003Protocol(Run, FrameTransport.WebSocketBinary);
        var frames = protocol.Handshake(42, "tok en", 7, new StreamPositions());
        Assert.Equal(2, frames.Count);
        var sign = Wire.Input.Parser.ParseFrom(frames[0].Span);
        Assert.Equal("sign", sign.Type);
        Assert.Equal((42L, 7L, 1L, "tok en"), (sign.Auth[0].UserId, sign.Auth[0].DeviceId, sign.Auth[0].AppId, sign.Auth[0].Token));
        Assert.Equal("heartbeat", Wire.Input.Parser.ParseFrom(frames[1].Span).Type);
        Assert.Equal("heartbeat", Wire.Input.Parser.ParseFrom(protocol.PingFrame.Span).Type);
        Assert.Equal(InboundKind.Synced, protocol.Decode(Output("heartbeat", 200)).Kind);
        Assert.Equal("seed003/ws", protocol.Name);
        Assert.Equal("seed003/tcp", new Seed003Protocol(Run, FrameTransport.Tcp).Name);
    }

    [Theory]
    [InlineData(ChatCommands.Direct, 1, 7L, 64)]
    [InlineData(ChatCommands.Room, 2, 100L << 20, 300)]
    public void A_chat_frame_is_a_sendmessage_the_generated_types_read_field_for_field(int cmd, int receiverType, long dst, int bytes)
    {
        var protocol = new Seed003Protocol(Run, FrameTransport.WebSocketBinary);
        var content = new byte[bytes];
        var length = Probe.Write(content, Run, 17, 3, 123456789, bytes);
        var output = new ArrayBufferWriter<byte>();
        protocol.WriteChat(output, 17, 5, cmd, dst, content.AsSpan(0, length));

        var input = Wire.Input.Parser.ParseFrom(output.WrittenSpan);
        Assert.Equal("sendmessage", input.Type);
        var send = Wire.SendMessage.Parser.ParseFrom(input.Data);
        Assert.Equal(receiverType, send.ReceiverType);
        Assert.Equal(dst, send.ReceiverId);
        Assert.Equal(Wire.MessageType.MtText, send.MessageBody.MessageType);
        Assert.Equal(Encoding.ASCII.GetString(content, 0, length), send.MessageBody.MessageContent.Text.Text_);
        // Exactly what the generated code would write: nothing extra, nothing missing.
        Assert.Equal(new Wire.Input { Type = "sendmessage", Data = send.ToByteString() }.ToByteArray(), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_push_is_a_chat_frame_and_the_senders_copy_in_the_reply_acks_the_message_its_text_names()
    {
        var protocol = new Seed003Protocol(Run, FrameTransport.Tcp);
        var content = new byte[80];
        var length = Probe.Write(content, Run, 99, 4, 555, 80);
        var text = Encoding.ASCII.GetString(content, 0, length);

        var push = protocol.Decode(Output("message", 200, Item(senderId: 11, receiverType: 2, receiverId: 100L << 30 >> 30, id: (100L << 30) | 9, text)));
        Assert.Equal(InboundKind.Chat, push.Kind);
        Assert.Equal((11L, ChatCommands.Room, 100L, (100L << 30) | 9), (push.SenderUserId, push.Cmd, push.DstId, push.ServerSeq));
        Assert.Equal(text, Encoding.ASCII.GetString(push.Content));
        Assert.True(Probe.TryRead(push.Content, Run, out var seq, out var sender, out _));
        Assert.Equal((99L, 4), (seq, sender));

        var direct = protocol.Decode(Output("message", 200, Item(11, 1, 12, 3, text)));
        Assert.Equal((ChatCommands.Direct, 12L), (direct.Cmd, direct.DstId));

        var ack = protocol.Decode(Output("sendmessage", 200, Item(11, 1, 12, 3, text)));
        Assert.Equal(InboundKind.Ack, ack.Kind);
        Assert.Equal(99, ack.Ref);
        var foreign = protocol.Decode(Output("sendmessage", 200, Item(11, 1, 12, 3, "not a probe")));
        Assert.Equal((InboundKind.Ack, 0L), (foreign.Kind, foreign.Ref));
    }

    [Fact]
    public void Refusals_are_errors_with_their_type_code_and_reason_and_other_bytes_are_malformed()
    {
        var protocol = new Seed003Protocol(Run, FrameTransport.WebSocketBinary);
        var refusal = protocol.Decode(Output("sendmessage", 2, message: "not a friend"));
        Assert.Equal(InboundKind.Error, refusal.Kind);
        Assert.Equal("sendmessage 2: not a friend", refusal.ErrorCode);
        Assert.Equal(0, refusal.Ref);
        Assert.Equal(InboundKind.Other, protocol.Decode(Output("getconversationlist", 200)).Kind);
        Assert.Equal(InboundKind.Malformed, protocol.Decode([0xff, 0xff, 0xff]).Kind);
        Assert.Equal(InboundKind.Malformed, protocol.Decode(Output("message", 200)[..^1]).Kind);
        Assert.Equal(InboundKind.Malformed, protocol.Decode([]).Kind);
    }

    [Fact]
    public async Task Tcp_frames_are_length_prefixed_both_ways_and_read_whole_however_the_bytes_arrive()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var pair = await LinkedPair.OpenAsync(cts.Token);
        var (link, server) = (pair.Link, pair.Server);

        await link.SendAsync("hello"u8.ToArray(), cts.Token);
        var header = new byte[9];
        for (var got = 0; got < 9;) got += await server.ReceiveAsync(header.AsMemory(got), SocketFlags.None, cts.Token);
        Assert.Equal(5, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal("hello", Encoding.ASCII.GetString(header, 4, 5));

        // Three frames, the second larger than the link's first buffer, sent one byte at a time then all at once.
        var big = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var wire = Framed("a"u8.ToArray()).Concat(Framed(big)).Concat(Framed([])).ToArray();
        foreach (var b in wire[..20]) await server.SendAsync(new[] { b }, SocketFlags.None, cts.Token);
        await server.SendAsync(wire.AsMemory(20), SocketFlags.None, cts.Token);
        Assert.Equal("a"u8.ToArray(), (await link.ReceiveAsync(cts.Token))!.Value.ToArray());
        Assert.Equal(big, (await link.ReceiveAsync(cts.Token))!.Value.ToArray());
        Assert.Equal(0, (await link.ReceiveAsync(cts.Token))!.Value.Length);

        // A length above the limit ends the link; so does the server ending the stream (null, with the reason).
        await server.SendAsync(Framed(new byte[10])[..4].Select((b, i) => i == 1 ? (byte)0x7f : b).ToArray(), SocketFlags.None, cts.Token);
        await Assert.ThrowsAsync<IOException>(async () => await link.ReceiveAsync(cts.Token));
    }

    [Fact]
    public async Task A_tcp_link_reports_the_end_of_the_stream_as_closed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var pair = await LinkedPair.OpenAsync(cts.Token);
        var link = pair.Link;
        await pair.Server.SendAsync(Framed([1, 2]).Concat(new byte[] { 0, 0 }).ToArray(), SocketFlags.None, cts.Token);
        pair.Server.Shutdown(SocketShutdown.Both);
        pair.Server.Dispose();

        Assert.Equal([1, 2], (await link.ReceiveAsync(cts.Token))!.Value.ToArray());
        Assert.Null(await link.ReceiveAsync(cts.Token)); // half a header, then the end
        Assert.False(link.IsOpen);
        Assert.Contains("ended", link.CloseReason);
    }

    private static byte[] Framed(byte[] frame)
    {
        var bytes = new byte[4 + frame.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, frame.Length);
        frame.CopyTo(bytes, 4);
        return bytes;
    }

    private static byte[] Output(string type, int code, IMessage? data = null, string message = "") =>
        new Wire.Output { Type = type, Code = code, Message = message, Data = data?.ToByteString() ?? ByteString.Empty }.ToByteArray();

    private static Wire.MessageItem Item(long senderId, int receiverType, long receiverId, long id, string text) => new()
    {
        SenderType = 2,
        SenderId = senderId,
        ReceiverType = receiverType,
        ReceiverId = receiverId,
        Id = id,
        SendTime = 1_700_000_000_000,
        SenderName = "名字",
        ConversationId = receiverId,
        ConversationMessage = text,
        MessageBody = new Wire.MessageBody
        {
            MessageType = Wire.MessageType.MtText,
            MessageContent = new Wire.MessageContent { Text = new Wire.Text { Text_ = text } },
        },
    };

    /// <summary>A <see cref="TcpLink"/> on loopback and the server's end of its connection (the listener is stopped at once).</summary>
    private sealed class LinkedPair(TcpLink link, Socket server) : IDisposable
    {
        public TcpLink Link { get; } = link;

        public Socket Server { get; } = server;

        public static async Task<LinkedPair> OpenAsync(CancellationToken ct)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint, ct);
                return new LinkedPair(new TcpLink(client, maxFrame: 1 << 16), await listener.AcceptSocketAsync(ct));
            }
            finally
            {
                listener.Stop();
            }
        }

        public void Dispose()
        {
            Server.Dispose();
            Link.Dispose();
        }
    }
}
