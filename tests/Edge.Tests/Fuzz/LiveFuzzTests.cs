namespace AkkaChat.Edge.Tests.Fuzz;

using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AkkaChat.Edge.Http;
using AkkaChat.Edge.Tests.Sockets;

/// <summary>
/// The fuzzer's inputs against a real node, fewer than in-process (1/200 of the iteration count): every HTTP reply is
/// the envelope with HTTP 200 and never the safety net's message; every socket stays usable after a mutated frame, or,
/// for one that is not UTF-8, closes with 1007.
/// </summary>
public sealed class LiveFuzzTests
{
    [Fact]
    public async Task Mutated_bodies_and_frames_get_envelopes_error_frames_or_a_documented_close()
    {
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_MSG_RATE"] = "100000" });
        using var user = await host.NewUserAsync("fuzz");
        var fuzzer = new InputFuzzer(InputFuzzer.NewSeed());
        var count = InputFuzzer.Iterations(100_000) / 200;
        var where = $"seed {fuzzer.Seed} (AKKACHAT_FUZZ_SEED)";

        string[] paths = ["/user/register", "/user/login", "/user/find", "/contact/addfriend", "/contact/createcommunity"];
        for (var i = 0; i < count; i++)
        {
            var json = i % 2 == 0;
            var body = fuzzer.Next(json ? ParserFuzzTests.ValidJsonBodies : ParserFuzzTests.ValidFormBodies);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(json ? "application/json" : body.Length > 0 && body[0] == (byte)'-' ? "multipart/form-data; boundary=b" : "application/x-www-form-urlencoded");
            using var response = await user.Http.PostAsync(paths[i % paths.Length], content);
            var text = await response.Content.ReadAsStringAsync();
            // 429 is the documented refusal of the login and registration limits, which mutated logins soon reach.
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{where}, body {i}: HTTP {(int)response.StatusCode} {text}\nbody (base64): {Convert.ToBase64String(body)}");
            using var envelope = JsonDocument.Parse(text);
            var code = envelope.RootElement.GetProperty("code").GetInt32();
            Assert.True(code is 0 or -1, $"{where}, body {i}: {text}");
            Assert.True(envelope.RootElement.GetProperty("msg").GetString() != ErrorEnvelope.Message, $"{where}, body {i} reached the safety net\nbody (base64): {Convert.ToBase64String(body)}");
        }

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        FrameInbox? socket = null;
        var opened = 0;
        var invalidSent = 0;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var frame = fuzzer.Next(ParserFuzzTests.ValidFrames);
                if (frame.Length > 60_000) continue;
                var utf8 = IsUtf8(strict, frame);
                if (!utf8 && invalidSent >= 4) continue; // each one costs a reconnect; a few prove the close
                socket ??= ++opened % 2 == 0 ? await FrameInbox.OpenV2Async(user, $"fuzz/v2#{opened}") : await FrameInbox.OpenAsync(user, $"fuzz/seed#{opened}");
                await socket.Socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                if (!utf8)
                {
                    invalidSent++;
                    var status = await socket.ClosedAsync();
                    Assert.True(status == WebSocketCloseStatus.InvalidPayloadData, $"{where}, frame {i}: expected 1007, got {status}");
                    await socket.DisposeAsync();
                    socket = null;
                }
                else if (i % 50 == 49)
                {
                    await ProbeAsync(socket, i, where);
                }
            }
            if (socket is not null) await ProbeAsync(socket, count, where);
        }
        finally
        {
            if (socket is not null) await socket.DisposeAsync();
        }
    }

    /// <summary>The socket still answers: a seed-000 socket an unknown cmd with its ref, a v2 socket a ping.</summary>
    private static async Task ProbeAsync(FrameInbox socket, int probe, string where)
    {
        var v2 = socket.Label.Contains("v2", StringComparison.Ordinal);
        await socket.SendTextAsync(v2 ? "{\"type\":\"ping\"}" : $"{{\"id\":{1_000_000 + probe},\"cmd\":99}}");
        for (var skipped = 0; skipped < 10_000; skipped++)
        {
            JsonElement frame;
            try
            {
                frame = await socket.NextAsync();
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                throw new InvalidOperationException($"{where}: {socket.Label} stopped answering after frame {probe}: {e.Message}", e);
            }
            if (v2 ? frame.Text("type") == "pong" : frame.Number("ref") == 1_000_000 + probe) return;
        }
        Assert.Fail($"{where}: {socket.Label} never answered the probe after frame {probe}");
    }

    private static bool IsUtf8(UTF8Encoding strict, byte[] bytes)
    {
        try
        {
            strict.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
