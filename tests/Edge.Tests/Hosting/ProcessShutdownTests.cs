namespace AkkaChat.Edge.Tests.Hosting;

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// SIGTERM, the way systemd, Kubernetes or an operator stops a node: the node answers the requests it is already
/// working on, keeps what they stored, and exits promptly.
/// </summary>
public sealed class ProcessShutdownTests
{
    private const int InFlight = 24;
    /// <summary>
    /// `docker stop` sends SIGKILL 10 s after SIGTERM (Kubernetes after 30 s): a node must be gone before that. The
    /// test once allowed 5 s, which a node under the full suite's load on 2 cores sometimes needed more than.
    /// </summary>
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sigterm_answers_requests_in_flight_keeps_what_they_stored_and_exits_promptly()
    {
        await using var server = new ChatProcess();
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var mobiles = Enumerable.Range(0, InFlight).Select(_ => "136" + Random.Shared.NextInt64(10_000_000, 99_999_999)).ToList();

        // Registration hashes the password on the thread pool, then asks the account entity: the signal is sent once
        // every request has reached the node, so it arrives while they are inside it.
        var sent = mobiles.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        var registering = mobiles.Select((m, i) => PostAsync(http, "/user/register", m, sent[i])).ToList();
        await Task.WhenAll(sent.Select(s => s.Task)).WaitAsync(TimeSpan.FromSeconds(30)); // every request is on the wire
        var stopwatch = Stopwatch.StartNew();
        var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(60));
        var exitedAfter = stopwatch.Elapsed;
        var replies = await Task.WhenAll(registering);

        Assert.Equal(0, exitCode);
        Assert.True(exitedAfter < ExitBound, $"the node took {exitedAfter.TotalSeconds:F1} s to exit (bound {ExitBound.TotalSeconds} s)");
        Assert.All(replies, r => Assert.True(r.GetProperty("code").GetInt32() == 0, $"a request in flight at SIGTERM was not completed: {r}"));

        await server.StartAsync();
        using var restarted = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var mobile in mobiles)
        {
            var login = await PostAsync(restarted, "/user/login", mobile);
            Assert.True(login.GetProperty("code").GetInt32() == 0, $"{mobile} was registered before SIGTERM but cannot log in after the restart: {login}");
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, string mobile, TaskCompletionSource? sent = null)
    {
        HttpContent form = new FormUrlEncodedContent(new Dictionary<string, string> { ["mobile"] = mobile, ["passwd"] = "secret123" });
        if (sent is not null) form = new SignalWhenSent(form, sent);
        return await (await http.PostAsync(path, form)).Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A request body that signals once it has been written to the connection, headers and all.</summary>
    private sealed class SignalWhenSent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly TaskCompletionSource _sent;

        public SignalWhenSent(HttpContent inner, TaskCompletionSource sent)
        {
            (_inner, _sent) = (inner, sent);
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await _inner.CopyToAsync(stream);
            await stream.FlushAsync();
            _sent.TrySetResult();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
