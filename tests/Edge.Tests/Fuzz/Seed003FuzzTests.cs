namespace AkkaChat.Edge.Tests.Fuzz;

using System.Diagnostics;
using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Tests.Protocols.Seed003;
using Google.Protobuf;
using Xunit.Abstractions;

/// <summary>
/// Random and mutated <see cref="Input"/> frames against a real node, over <c>/ws</c> and TCP: on each connection some
/// before its <c>sign</c> (some of them mutated signs) and more after it. Every frame the node sends back must be an
/// <see cref="Output"/> with code 200, 1 or 2; a connection may end only after a refused sign (code 1, then the close);
/// every 200 frames a probe (an unknown type, whose refusal names it) must come back in order; and afterwards a normal
/// signed client still sends, receives its push and syncs. A failure prints its seed; <c>AKKACHAT_FUZZ_SEED</c> replays it.
/// </summary>
public sealed class Seed003FuzzTests(ITestOutputHelper output)
{
    private const int FramesPerTransport = 50_000; // both transports: 100,000 (AKKACHAT_FUZZ_ITERATIONS for more)
    private const int BeforeSign = 300;
    private const int AfterSign = 1_700;
    private const int ProbeEvery = 200;

    private static readonly Seed003Transport[] Transports = [Seed003Transport.WebSocket, Seed003Transport.Tcp];

    [Fact]
    public async Task Mutated_inputs_on_both_transports_get_outputs_and_the_node_keeps_serving()
    {
        var tcpPort = FreePort.Next();
        // The default rate limit (50 requests/s, burst 100) holds: it bounds what mutated sends store and keeps the run short;
        // the decoders behind it get their own in-process run below.
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?>
        {
            ["AKKACHAT_TCP_PORT"] = tcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var alice = await host.NewUserAsync("alice");
        using var bob = await host.NewUserAsync("bob");
        await alice.BefriendAsync(bob);
        var room = await alice.CreateRoomAsync("fuzz");
        await bob.JoinRoomAsync(room);

        var seed = InputFuzzer.NewSeed();
        var where = $"seed {seed} (AKKACHAT_FUZZ_SEED)";
        var fuzzer = new Seed003Fuzzer(seed, Seed003Fuzzer.ValidInputs(alice.UserId, alice.Token, bob.UserId, room));
        var perTransport = Math.Max(FramesPerTransport, InputFuzzer.Iterations(2 * FramesPerTransport) / 2);
        foreach (var transport in Transports)
        {
            var clock = Stopwatch.StartNew();
            var stats = await FuzzAsync(host, transport, fuzzer, perTransport, alice.UserId, alice.Token, where);
            output.WriteLine($"{transport}: {stats.Sent:N0} frames ({stats.BeforeSign:N0} before a sign) on {stats.Connections} connections, " +
                $"{stats.RefusedSigns} refused signs, {stats.Outputs:N0} outputs, in {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.True(stats.Sent >= perTransport, $"{where}: only {stats.Sent} frames sent over {transport}");
        }

        // The node still serves normal clients on both transports.
        foreach (var transport in Transports)
        {
            await using var sender = await Seed003Client.ConnectAsync(host, transport, $"alice/{transport}");
            await using var receiver = await Seed003Client.ConnectAsync(host, transport, $"bob/{transport}");
            await sender.SignAsync(alice.UserId, alice.Token, deviceId: 77);
            await receiver.SignAsync(bob.UserId, bob.Token, deviceId: 77);
            await receiver.HeartbeatAsync(); // signed and running before the message is sent
            var sent = await sender.SendTextAsync(1, bob.UserId, $"still here over {transport}");
            Assert.Equal($"still here over {transport}", sent.MessageBody.MessageContent.Text.Text_);
            // Fuzzed sends from alice still being stored may be pushed to bob first: wait for this one (bounded).
            MessageItem pushed;
            var skipped = 0;
            do pushed = await receiver.NextPushAsync();
            while (pushed.ConversationMessage != $"still here over {transport}" && ++skipped < 2_000);
            Assert.Equal((alice.UserId, sent.SendTime), (pushed.SenderId, pushed.SendTime));
            var sync = await receiver.SyncAsync(alice.UserId, 1, limit: 100);
            Assert.Contains(sync.Messages, m => m.Id == pushed.Id && m.ConversationMessage == pushed.ConversationMessage);
            await sender.HeartbeatAsync();
        }

        // A text frame is read as its bytes, but a WebSocket text frame must be UTF-8: one that is not closes with 1007 (§2).
        await using var text = await Seed003Client.ConnectAsync(host, Seed003Transport.WebSocket, "text");
        await text.SendTextFrameAsync(new Input { Type = Seed003Types.Heartbeat }.ToByteArray());
        await text.ExpectAsync(Seed003Types.Heartbeat, Seed003Codes.NotAuthenticated);
        await text.SendTextFrameAsync([0x0A, 0x02, 0xC3, 0x28]);
        Assert.Equal(1007, (await text.WaitClosedAsync(TimeSpan.FromSeconds(10))).CloseCode);
    }

    /// <summary>
    /// The same inputs in-process, through every decoder a connection runs and the body round trip: nothing throws, and a
    /// body that is accepted comes back exactly (as its known fields) from the payload it is stored as.
    /// </summary>
    [Fact]
    public void Mutated_inputs_decode_or_are_refused_and_accepted_bodies_round_trip()
    {
        var seed = InputFuzzer.NewSeed();
        var fuzzer = new Seed003Fuzzer(seed, Seed003Fuzzer.ValidInputs(10000, "token", 10001, 100));
        var (inputs, accepted) = (0, 0);
        for (var i = 0; i < InputFuzzer.Iterations(50_000); i++)
        {
            var frame = fuzzer.Next();
            if (!Seed003Frames.TryParseInput(frame, out var input, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error), $"seed {seed}, input {i}: refused with no reason");
                continue;
            }
            inputs++;
            switch (input.Type)
            {
                case Seed003Types.SendMessage:
                    if (!Seed003Frames.TryParse(input.Data, SendMessage.Parser, out var send, out error)) break;
                    if (!Seed003Bodies.TryToPayload(send, out var payload, out error))
                    {
                        Assert.StartsWith("bad body", error);
                        break;
                    }
                    accepted++;
                    var item = new MessageItem();
                    Seed003Bodies.Fill(item, payload);
                    Assert.True(send.MessageBody.Equals(item.MessageBody), $"seed {seed}, input {i}: the body did not come back");
                    Assert.Equal(send.ToUserIds, item.ToUserIds);
                    Assert.Equal(send.Help, item.Help);
                    Assert.Equal(Seed003Bodies.Summary(payload), item.ConversationMessage);
                    break;
                case Seed003Types.Sync:
                    _ = Seed003Frames.TryParse(input.Data, SyncReq.Parser, out var sync, out error);
                    break;
                case Seed003Types.ConversationList:
                    _ = Seed003Frames.TryParse(input.Data, ConversationReq.Parser, out var list, out error);
                    break;
                case Seed003Types.MessageRead:
                    if (Seed003Frames.TryParse(input.Data, MessageRead.Parser, out var read, out error)) _ = Seed003Ids.IsRoomMessage(read.MessageId, out _, out _);
                    break;
            }
        }
        output.WriteLine($"seed {seed}: {inputs:N0} Inputs parsed, {accepted:N0} bodies accepted and round-tripped");
        Assert.True(accepted > 1_000, $"seed {seed}: only {accepted} bodies accepted: the mutations hardly ever leave a valid send");
    }

    private static async Task<Stats> FuzzAsync(ChatHost host, Seed003Transport transport, Seed003Fuzzer fuzzer, int frames, long userId, string token, string where)
    {
        var stats = new Stats();
        var device = 1000L;
        while (stats.Sent < frames)
        {
            stats.Connections++;
            var client = await Seed003Client.ConnectAsync(host, transport, $"fuzz/{transport}#{stats.Connections}");
            try
            {
                var phase = new Phase(client, stats, where);
                var ended = false;
                for (var i = 0; i < BeforeSign && !ended; i++)
                {
                    ended = await phase.SendAsync(fuzzer.Next(), transport, fuzzer, beforeSign: true);
                }
                if (ended) continue;
                await client.SignAsync(userId, token, deviceId: ++device);
                for (var i = 0; i < AfterSign && !ended; i++)
                {
                    ended = await phase.SendAsync(fuzzer.Next(), transport, fuzzer, beforeSign: false);
                }
                if (!ended) await phase.ProbeAsync(expectSigned: true);
            }
            finally
            {
                await client.DisposeAsync();
            }
        }
        return stats;
    }

    private sealed class Stats
    {
        public int Sent;
        public int BeforeSign;
        public int Connections;
        public int RefusedSigns;
        public int Outputs;
    }

    /// <summary>One connection's run: sends frames, drains and checks what comes back, probes every <see cref="ProbeEvery"/> frames.</summary>
    private sealed class Phase(Seed003Client client, Stats stats, string where)
    {
        private int _sinceProbe;
        private int _probes;
        private bool _signRefused;

        /// <summary>Sends one frame; true when the connection ended, as it may after a refused sign.</summary>
        public async Task<bool> SendAsync(byte[] frame, Seed003Transport transport, Seed003Fuzzer fuzzer, bool beforeSign)
        {
            if (client.IsClosed) return await EndedAsync();
            if (frame.Length == 0 && transport == Seed003Transport.Tcp) return false; // a length of 0 ends a TCP connection (§5); TcpEdgeTests cover it
            try
            {
                if (transport == Seed003Transport.WebSocket && fuzzer.AsText(frame)) await client.SendTextFrameAsync(frame);
                else await client.SendRawAsync(frame);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return await EndedAsync();
            }
            stats.Sent++;
            if (beforeSign) stats.BeforeSign++;
            if (++_sinceProbe < ProbeEvery) return false;
            _sinceProbe = 0;
            return !await ProbeAsync(expectSigned: null);
        }

        /// <summary>
        /// Sends an unknown type and reads up to its refusal, checking every Output on the way; false when the connection
        /// ended after a refused sign. Before a sign it is refused with 1, after with 2 (rate-limited or unknown).
        /// </summary>
        public async Task<bool> ProbeAsync(bool? expectSigned)
        {
            var probe = $"probe-{++_probes}";
            try
            {
                await client.SendAsync(new Input { Type = probe });
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return !await EndedAsync();
            }
            while (true)
            {
                Output o;
                try
                {
                    o = await client.ReceiveAsync(TimeSpan.FromSeconds(30));
                }
                catch (InvalidOperationException) when (client.IsClosed)
                {
                    return !await EndedAsync();
                }
                catch (TimeoutException e)
                {
                    throw new TimeoutException($"{where}: {client.Label} stopped answering after {stats.Sent} frames: {e.Message}", e);
                }
                Check(o);
                if (o.Type != probe) continue;
                if (expectSigned is { } signed)
                    Assert.True(o.Code == (signed ? Seed003Codes.Refused : Seed003Codes.NotAuthenticated), $"{where}: {client.Label} answered its probe with {o.Code} {o.Message}");
                return true;
            }
        }

        private void Check(Output o)
        {
            stats.Outputs++;
            Assert.True(o.Code is Seed003Codes.Ok or Seed003Codes.NotAuthenticated or Seed003Codes.Refused, $"{where}: {client.Label} got code {o.Code} ({o.Type}: {o.Message})");
            if (o.Code != Seed003Codes.Ok) Assert.False(string.IsNullOrEmpty(o.Message), $"{where}: {client.Label} got {{{o.Type}, {o.Code}}} with no reason");
            if (o.Type == Seed003Types.Error) Assert.Equal(Seed003Codes.Refused, o.Code);
            if (o.Type == Seed003Types.Sign && o.Code == Seed003Codes.NotAuthenticated) _signRefused = true;
        }

        /// <summary>The connection ended: it must have been after a refused sign (every Output before the end is read and checked).</summary>
        private async Task<bool> EndedAsync()
        {
            await client.WaitClosedAsync(TimeSpan.FromSeconds(10));
            while (true)
            {
                try
                {
                    Check(await client.ReceiveAsync(TimeSpan.FromSeconds(1)));
                }
                catch (InvalidOperationException)
                {
                    break; // nothing left: the queue ended with the connection
                }
            }
            Assert.True(_signRefused, $"{where}: {client.Label} ended without a refused sign after {stats.Sent} frames");
            stats.RefusedSigns++;
            return true;
        }
    }
}

/// <summary>
/// Seed-003 inputs from a seeded RNG: valid requests of every type, mutated as bytes (bit flips, truncation, splices,
/// inserted and random bytes, inflated lengths) and as messages (a request's data mutated alone so its own decoder sees
/// it, another request's data, extreme field values).
/// </summary>
internal sealed class Seed003Fuzzer(int seed, IReadOnlyList<Input> valid)
{
    private static readonly long[] Extremes =
    [
        0, 1, -1, 2, 15, 100, 101, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, long.MaxValue, long.MinValue,
        1L << 30, (1L << 53) - 1, 1L << 53, 100L << 30, (100L << 30) | 1, (1L << 23) << 30,
    ];

    private readonly Random _random = new(seed);
    private readonly byte[][] _validBytes = [.. valid.Select(v => v.ToByteArray())];

    /// <summary>The requests a golang_im client sends, for a signer, a friend and a room; every body type among them.</summary>
    public static IReadOnlyList<Input> ValidInputs(long user, string token, long friend, long room)
    {
        var auth = new Auth { AppId = 1, DeviceId = 1, UserId = user, Token = token };
        var inputs = new List<Input>
        {
            new() { Type = Seed003Types.Sign, Auth = { auth } },
            new() { Type = Seed003Types.Sign, Auth = { new Auth { AppId = 1, DeviceId = 0, UserId = user, Token = token } } },
            new() { Type = Seed003Types.Heartbeat, Auth = { auth } },
            new() { Type = Seed003Types.Sync, Data = new SyncReq { ConversationId = friend, ReceiverType = 1, Limit = 15 }.ToByteString(), Auth = { auth } },
            new() { Type = Seed003Types.Sync, Data = new SyncReq { ConversationId = room, ReceiverType = 2, Limit = 3, Offset = 1 }.ToByteString() },
            new() { Type = Seed003Types.ConversationList, Data = new ConversationReq { Limit = 15 }.ToByteString(), Auth = { auth } },
            new() { Type = Seed003Types.MessageRead, Data = new MessageRead { MessageId = 1 }.ToByteString() },
            new() { Type = Seed003Types.MessageRead, Data = new MessageRead { MessageId = (room << 30) | 1 }.ToByteString() },
            new() { Type = "nosuchtype", Data = ByteString.CopyFromUtf8("x") },
        };
        var bodies = Protocols.Seed003.Seed003BodiesTests.Bodies();
        foreach (var body in bodies.Values)
        {
            inputs.Add(new Input { Type = Seed003Types.SendMessage, Data = new SendMessage { ReceiverType = 1, ReceiverId = friend, MessageBody = body }.ToByteString(), Auth = { auth } });
        }
        inputs.Add(new Input
        {
            Type = Seed003Types.SendMessage,
            Data = new SendMessage { ReceiverType = 2, ReceiverId = room, MessageBody = bodies[MessageType.MtText], ToUserIds = { friend }, Help = 1 }.ToByteString(),
        });
        inputs.Add(new Input { Type = Seed003Types.SendMessage, Data = new SendMessage { ReceiverType = 2, ReceiverId = room, MessageBody = bodies[MessageType.MtImage] }.ToByteString() });
        return inputs;
    }

    /// <summary>Whether to send a WebSocket frame as text: now and then, when its bytes are UTF-8 (the only text frames a WebSocket carries).</summary>
    public bool AsText(byte[] frame)
    {
        if (_random.Next(20) != 0) return false;
        try
        {
            _ = Strict.GetCharCount(frame);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    public byte[] Next()
    {
        var index = _random.Next(_validBytes.Length);
        var bytes = _validBytes[index];
        var rounds = _random.Next(4); // 0: an unchanged valid input now and then
        for (var i = 0; i < rounds; i++) bytes = Mutate(bytes, valid[index]);
        return bytes;
    }

    private static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] Mutate(byte[] bytes, Input template)
    {
        switch (_random.Next(11))
        {
            case 0: // bit flips
                return ByteMutations.FlipBits(_random, bytes);
            case 1: // truncation
                return ByteMutations.Truncate(_random, bytes);
            case 2: // splice another input in at a random point
                return ByteMutations.Splice(_random, bytes, _validBytes[_random.Next(_validBytes.Length)]);
            case 3: // random bytes
                return ByteMutations.Noise(_random);
            case 4: // bytes inserted
                var insert = new byte[1 + _random.Next(8)];
                _random.NextBytes(insert);
                var insertAt = _random.Next(bytes.Length + 1);
                return [.. bytes.AsSpan(0, insertAt), .. insert, .. bytes.AsSpan(insertAt)];
            case 5: // a byte that may be a length or a varint set to a large value
                if (bytes.Length == 0) return bytes;
                var inflated = (byte[])bytes.Clone();
                inflated[_random.Next(inflated.Length)] = (byte)_random.Next(0x70, 0x100);
                return inflated;
            case 6: // a slice duplicated
                return ByteMutations.DuplicateSlice(_random, bytes);
            case 7: // the data alone mutated (the Input stays valid, so the request's own decoder sees the damage)
                var data = template.Data.ToByteArray();
                var damaged = data.Length == 0 ? new byte[] { (byte)_random.Next(256) } : Mutate(data, new Input());
                return new Input { Type = template.Type, Data = ByteString.CopyFrom(damaged), Auth = { template.Auth } }.ToByteArray();
            case 8: // another request's data under this type
                var donor = valid[_random.Next(valid.Count)];
                return new Input { Type = template.Type, Data = donor.Data, Auth = { template.Auth } }.ToByteArray();
            case 9: // extreme field values in a well-formed request
                return Extreme(template).ToByteArray();
            default: // a long or odd type, or many auths
                var odd = template.Clone();
                switch (_random.Next(3))
                {
                    case 0: odd.Type = new string('t', _random.Next(1, 4_000)); break;
                    case 1: odd.Type = template.Type.ToUpperInvariant() + "\u0000"; break;
                    default: for (var i = 0; i < _random.Next(1, 200); i++) odd.Auth.Add(new Auth { DeviceId = Pick(), UserId = Pick(), Token = "x" }); break;
                }
                return odd.ToByteArray();
        }
    }

    private long Pick() => Extremes[_random.Next(Extremes.Length)];

    private int PickInt() => (int)Math.Clamp(Pick(), int.MinValue, int.MaxValue);

    private Input Extreme(Input template)
    {
        var input = template.Clone();
        switch (template.Type)
        {
            case Seed003Types.Sync:
                input.Data = new SyncReq { Limit = Pick(), Offset = Pick(), ConversationId = Pick(), ReceiverType = PickInt() }.ToByteString();
                break;
            case Seed003Types.ConversationList:
                input.Data = new ConversationReq { Limit = Pick(), Offset = Pick() }.ToByteString();
                break;
            case Seed003Types.MessageRead:
                input.Data = new MessageRead { MessageId = Pick() }.ToByteString();
                break;
            case Seed003Types.SendMessage:
                var send = SendMessage.Parser.ParseFrom(template.Data);
                if (_random.Next(2) == 0) send.ReceiverType = PickInt();
                if (_random.Next(2) == 0) send.ReceiverId = Pick();
                if (_random.Next(3) == 0) send.ToUserIds.Add(Pick());
                if (_random.Next(3) == 0) send.Help = PickInt();
                if (_random.Next(3) == 0) send.MessageBody.MessageType = (MessageType)_random.Next(-1, 12); // mismatched or unknown types
                if (_random.Next(5) == 0) send.MessageBody = null;
                input.Data = send.ToByteString();
                break;
            default:
                if (input.Auth.Count > 0) input.Auth[0] = new Auth { AppId = Pick(), DeviceId = Pick(), UserId = _random.Next(2) == 0 ? input.Auth[0].UserId : Pick(), Token = input.Auth[0].Token };
                break;
        }
        return input;
    }
}
