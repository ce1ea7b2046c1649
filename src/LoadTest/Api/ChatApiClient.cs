namespace AkkaChat.LoadTest.Api;

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

/// <summary>The server said no (<c>code:-1</c>), with its reason.</summary>
public sealed class ApiRefusedException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string Reason => reason;
}

/// <summary>The seed-000 HTTP API (form posts, <c>{"code","msg","data"}</c> envelope) as far as the harness needs it.</summary>
public sealed class ChatApiClient : IDisposable
{
    private const int Attempts = 3;
    private readonly HttpClient _http;

    public ChatApiClient(Uri baseUrl, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task<long> RegisterAsync(string mobile, string password, string nickname, CancellationToken ct)
    {
        var data = await PostAsync("user/register", null, ct, ("mobile", mobile), ("passwd", password), ("nickname", nickname));
        return data.GetProperty("id").GetInt64();
    }

    public async Task<(long Id, string Token)> LoginAsync(string mobile, string password, CancellationToken ct)
    {
        var data = await PostAsync("user/login", null, ct, ("mobile", mobile), ("passwd", password));
        return (data.GetProperty("id").GetInt64(), data.GetProperty("token").GetString() ?? throw new ApiRefusedException("user/login", "no token in the reply"));
    }

    public Task AddFriendAsync(string token, long friendId, CancellationToken ct) =>
        PostAsync("contact/addfriend", token, ct, ("dstid", friendId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async Task<long> CreateRoomAsync(string token, string name, CancellationToken ct)
    {
        var data = await PostAsync("contact/createcommunity", token, ct, ("name", name));
        return data.GetProperty("id").GetInt64();
    }

    public Task JoinRoomAsync(string token, long roomId, CancellationToken ct) =>
        PostAsync("contact/joincommunity", token, ct, ("dstid", roomId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Whether <paramref name="token"/> still works on this server (a restarted relay forgets every token).</summary>
    public async Task<bool> TokenWorksAsync(string token, long userId, CancellationToken ct)
    {
        try
        {
            await PostAsync("user/find", token, ct, ("id", userId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return true;
        }
        catch (ApiRefusedException)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Posts a form; retries (a bounded number of times) on transport errors and "try again" refusals.</summary>
    private async Task<JsonElement> PostAsync(string path, string? token, CancellationToken ct, params (string Name, string Value)[] fields)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
                };
                if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await _http.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{path}: HTTP {(int)response.StatusCode}");
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.GetProperty("code").GetInt32() != 0)
                {
                    var msg = root.TryGetProperty("msg", out var m) ? m.GetString() ?? "" : "";
                    if (attempt < Attempts && msg.Contains("try again", StringComparison.OrdinalIgnoreCase))
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
                        continue;
                    }
                    throw new ApiRefusedException(path, msg);
                }
                return root.TryGetProperty("data", out var data) ? data.Clone() : default;
            }
            catch (Exception e) when (attempt < Attempts && !ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), ct);
            }
        }
    }
}
