namespace AkkaChat.Edge.Tests.Fuzz;

using System.Security.Cryptography;
using System.Text;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Http;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Protocols.V2;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

[CollectionDefinition(ParserFuzzTests.Name, DisableParallelization = true)]
public sealed class ParserFuzzCollection;

/// <summary>
/// In-process fuzzing of every reader of client input: the socket frame decoders (seed-000 and v2), and the
/// HTTP field reader for JSON and form bodies through <see cref="ApiContext.Handle"/>, the path every endpoint takes.
/// Each gets 100,000 random and mutated inputs (<c>AKKACHAT_FUZZ_ITERATIONS</c> for more); nothing may throw past
/// the reader, and memory must stay bounded. A failure prints its seed; <c>AKKACHAT_FUZZ_SEED</c> replays it.
/// The heap is measured process-wide, so these run alone, after the parallel tests.
/// </summary>
[Collection(Name)]
public sealed class ParserFuzzTests
{
    public const string Name = "parser fuzz (alone: measures the heap)";

    private const int DefaultIterations = 100_000;

    /// <summary>Frames the seed client and v2 clients send, to mutate.</summary>
    public static readonly string[] ValidFrames =
    [
        "{\"id\":1,\"userid\":10000,\"dstid\":10001,\"cmd\":10,\"media\":1,\"content\":\"hello\"}",
        "{\"dstid\":100,\"cmd\":11,\"userid\":10000,\"media\":4,\"url\":\"/mnt/0123456789abcdef0123456789abcdef.png\"}",
        "{\"id\":1,\"userid\":2,\"dstid\":3,\"cmd\":10,\"media\":5,\"url\":\"http://x/y?id=100000\",\"amount\":300,\"memo\":\"恭喜发财\"}",
        "{\"cmd\":0}",
        "{\"type\":\"send\",\"cid\":\"c-17\",\"cmd\":10,\"dstid\":10001,\"media\":1,\"content\":\"hi\"}",
        "{\"type\":\"sync\",\"inbox\":40,\"rooms\":{\"100\":17,\"101\":0}}",
        "{\"type\":\"ping\"}",
        "{\"type\":\"read\",\"conv\":\"u10001\",\"seq\":42}",
        "{\"type\":\"flags\",\"conv\":\"r100\",\"pinned\":true,\"muted\":false}",
        "{\"type\":\"recall\",\"cid\":\"c-18\",\"stream\":\"u10000\",\"seq\":41}",
        "{\"type\":\"history\",\"conv\":\"r100\",\"before\":18,\"limit\":50}",
        "{\"type\":\"conversations\",\"offset\":0,\"limit\":20}",
    ];

    /// <summary>JSON bodies the API takes, to mutate.</summary>
    public static readonly string[] ValidJsonBodies =
    [
        "{\"mobile\":\"13800000000\",\"passwd\":\"secret123\",\"passwdr\":\"secret123\",\"nickname\":\"neo\",\"avatar\":\"/a.png\",\"sex\":\"M\",\"memo\":\"hi\"}",
        "{\"userid\":10000,\"dstid\":10001}",
        "{\"ownerid\":\"10000\",\"name\":\"room\",\"icon\":\"\",\"memo\":\"m\",\"cate\":3}",
        "{\"id\":10001,\"token\":\"abc.def\"}",
    ];

    /// <summary>Form bodies (urlencoded, and multipart with its boundary) to mutate.</summary>
    public static readonly string[] ValidFormBodies =
    [
        "mobile=13800000000&passwd=secret123&passwdr=secret123&nickname=%E6%B5%8B&avatar=%2Fa.png&sex=M&memo=hi",
        "userid=10000&dstid=10001",
        "ownerid=10000&name=room&icon=&memo=m&cate=3",
        "--b\r\nContent-Disposition: form-data; name=\"dstid\"\r\n\r\n10001\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--b--\r\n",
    ];

    [Fact]
    public void The_frame_decoders_survive_mutated_frames_with_bounded_memory()
    {
        var fuzzer = new InputFuzzer(InputFuzzer.NewSeed());
        Run(fuzzer, "frame decoder", input =>
        {
            var (frame, error) = Seed000Frames.Decode(input);
            Assert.True((frame is null) != (error is null), "exactly one of frame and error (seed-000)");
            var (v2Frame, v2Error) = V2Frames.Decode(input);
            Assert.True((v2Frame is null) != (v2Error is null), "exactly one of frame and error (v2)");
        });
    }

    [Fact]
    public void The_json_body_reader_survives_mutated_bodies_with_bounded_memory()
    {
        var fuzzer = new InputFuzzer(InputFuzzer.NewSeed());
        Run(fuzzer, "JSON body reader", input => ReadFields(input, "application/json"), ValidJsonBodies);
    }

    [Fact]
    public void The_form_reader_survives_mutated_bodies_with_bounded_memory()
    {
        var fuzzer = new InputFuzzer(InputFuzzer.NewSeed());
        Run(fuzzer, "form reader", input => ReadFields(input, input.Length > 0 && input[0] == (byte)'-' ? "multipart/form-data; boundary=b" : "application/x-www-form-urlencoded"), ValidFormBodies);
    }

    /// <summary>
    /// What <see cref="ApiContext.Handle"/> needs to check a token: a fuzzed <c>token</c> field never carries a valid
    /// signature, so the check never reaches the (absent) entities.
    /// </summary>
    private static readonly IServiceProvider Services = BuildServices();

    private static IServiceProvider BuildServices()
    {
        var options = ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_DATA_DIR"] = Path.GetTempPath() });
        var tokens = new TokenService(RandomNumberGenerator.GetBytes(32), TimeSpan.FromDays(1));
        var sessions = new SessionGate(tokens, topology: null!, options.Auth.SessionCheckCache);
        return new ServiceCollection().AddSingleton(new ApiContext(null!, tokens, sessions, options)).BuildServiceProvider();
    }

    /// <summary>Reads a body the way every endpoint does and uses each kind of field; only the envelope may come out.</summary>
    private static void ReadFields(byte[] body, string contentType)
    {
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.Method = "POST";
        http.Request.ContentType = contentType;
        http.Request.Body = new MemoryStream(body, writable: false);
        http.Request.ContentLength = body.Length;
        var result = ApiContext.Handle(http, fields =>
        {
            foreach (var read in FieldReads)
            {
                try
                {
                    read(fields);
                }
                catch (FieldError)
                {
                    // A refusal: what the endpoint would answer with code -1.
                }
            }
            return Task.FromResult(Results.Ok());
        }).GetAwaiter().GetResult();
        Assert.NotNull(result);
    }

    private static readonly Action<RequestFields>[] FieldReads =
    [
        f => f.Required("mobile", 20),
        f => f.Optional("passwd", 128),
        f => f.Text("memo", 280),
        f => f.RequiredId("dstid"),
        f => f.OptionalId("userid"),
        f => f.OptionalId("id"),
        f => f.OptionalInt("cate", 0),
    ];

    private static void Run(InputFuzzer fuzzer, string what, Action<byte[]> parse, IReadOnlyList<string>? valid = null)
    {
        var iterations = InputFuzzer.Iterations(DefaultIterations);
        var inputs = valid ?? ValidFrames;
        // Warm up once so JIT and caches are not counted as growth.
        foreach (var v in inputs) parse(Encoding.UTF8.GetBytes(v));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var largestAllocation = 0L;
        for (var i = 0; i < iterations; i++)
        {
            var input = fuzzer.Next(inputs);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                parse(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"{what}: seed {fuzzer.Seed} (AKKACHAT_FUZZ_SEED), input {i}: {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}\n{e}");
            }
            // Work is bounded by the input: no input makes a reader allocate out of proportion to its size.
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            largestAllocation = Math.Max(largestAllocation, allocated);
            if (allocated > 256 * 1024 + 64L * input.Length)
                Assert.Fail($"{what}: seed {fuzzer.Seed}, input {i} of {input.Length} bytes allocated {allocated} bytes\ninput (base64): {Convert.ToBase64String(input)}");
        }
        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(growth < 16 * 1024 * 1024, $"{what}: seed {fuzzer.Seed}: the heap grew by {growth} bytes over {iterations} inputs");
    }
}
