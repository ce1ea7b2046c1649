namespace AkkaChat.Ctl;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

/// <summary>
/// One node's <c>/admin</c> endpoints over HTTP. Every failure becomes a <see cref="CtlException"/> with one line an
/// operator can act on: the node is unreachable, the token is missing or wrong, the thing asked for does not exist.
/// </summary>
public sealed class AdminClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient _http;
    private readonly Uri _server;

    private AdminClient(Uri server, string token, HttpMessageHandler? handler)
    {
        _server = server;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = server;
        _http.Timeout = Timeout;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static AdminClient For(AdminSettings settings, HttpMessageHandler? handler = null)
    {
        var server = settings.Server ?? NonEmpty(Environment.GetEnvironmentVariable("AKKACHAT_CTL_SERVER")) ?? "http://127.0.0.1:8080";
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CtlException($"--server must be an http:// or https:// address, not '{server}'", CtlExit.Usage);
        return new AdminClient(uri, FindToken(settings), handler);
    }

    public Task<string> GetAsync(string path, CancellationToken cancel) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancel);

    public Task<string> PostAsync(string path, object body, CancellationToken cancel) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") }, cancel);

    public void Dispose() => _http.Dispose();

    private async Task<string> SendAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        using var _ = request;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new CtlException($"cannot reach {_server}: {e.Message}", CtlExit.Unreachable);
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new CtlException($"{_server} did not answer within {Timeout.TotalSeconds:0} s", CtlExit.Unreachable);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel);
            if (response.IsSuccessStatusCode) return text;
            var error = ErrorOf(text) ?? (response.StatusCode == HttpStatusCode.NotFound
                ? $"{request.RequestUri} is not an endpoint of this node (an older AkkaChat build?)"
                : response.ReasonPhrase ?? "no reason given");
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new CtlException($"refused (401): {error}", CtlExit.Refused),
                HttpStatusCode.Forbidden => new CtlException($"refused (403): {error}", CtlExit.Refused),
                HttpStatusCode.NotFound => new CtlException($"not found (404): {error}", CtlExit.Failed),
                var status => new CtlException($"{(int)status} {response.ReasonPhrase}: {error}", CtlExit.Failed),
            };
        }
    }

    /// <summary>The <c>error</c> of an admin endpoint's answer; null when the body is not one (a node without the endpoint, a proxy).</summary>
    private static string? ErrorOf(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) ? error.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>--token, else AKKACHAT_ADMIN_TOKEN, else the data directory's admin.token (--data-dir, default ./data).</summary>
    private static string FindToken(AdminSettings settings)
    {
        if (NonEmpty(settings.Token) is { } given) return given;
        if (NonEmpty(Environment.GetEnvironmentVariable("AKKACHAT_ADMIN_TOKEN")) is { } configured) return configured;
        var path = Path.Combine(settings.DataDir ?? "data", "admin.token");
        try
        {
            return NonEmpty(File.ReadAllText(path)) ?? throw new CtlException($"{path} is empty", CtlExit.Usage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CtlException($"no admin token: pass --token, set AKKACHAT_ADMIN_TOKEN, or point --data-dir at the node's data directory ({path}: {e.Message})", CtlExit.Usage);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A failure told to the operator in one line on stderr; the process exits with <see cref="Exit"/>.</summary>
public sealed class CtlException(string message, CtlExit exit) : Exception(message)
{
    public CtlExit Exit { get; } = exit;
}

/// <summary>Exit codes: 0 success; the rest say what kind of failure.</summary>
public enum CtlExit
{
    /// <summary>The node answered with an error (400, 404, 5xx).</summary>
    Failed = 1,

    /// <summary>The node could not be reached or did not answer in time.</summary>
    Unreachable = 2,

    /// <summary>The node refused the caller (401: token missing or wrong; 403: not on the node's machine).</summary>
    Refused = 3,

    /// <summary>The command line itself is wrong (bad --server, no token found).</summary>
    Usage = 4,
}
