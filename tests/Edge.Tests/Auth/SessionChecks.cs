namespace AkkaChat.Edge.Tests.Auth;

using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using AkkaChat.Edge.Tests.Http;

/// <summary>Asserts that a token is refused everywhere a session is needed: every HTTP way to send it, and both socket protocols.</summary>
public static class SessionChecks
{
    /// <summary>Endpoints that need a session, with fields that would be fine but for the session.</summary>
    private static readonly string[] ProtectedPaths =
    [
        "/user/find", "/contact/addfriend", "/contact/loadfriend", "/contact/createcommunity", "/contact/loadcommunity",
        "/contact/joincommunity", "/contact/request", "/contact/requests", "/contact/blocked", "/user/logout", "/user/passwd",
    ];

    public static async Task AssertRefusedEverywhereAsync(Uri baseUri, string token, long userId)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        var fields = new[] { ("id", userId.Text()), ("dstid", userId.Text()), ("name", "room"), ("oldpasswd", "secret123"), ("passwd", "secret456") };
        foreach (var path in ProtectedPaths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Form(fields) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            Envelope.RefusedWith(await Envelope.ReadAsync(response), "log in");
        }
        Envelope.RefusedWith(await Envelope.PostFormAsync(http, "/contact/loadfriend", ("token", token)), "log in");
        using (var withCookie = new HttpRequestMessage(HttpMethod.Post, "/contact/loadfriend") { Content = Form([]) })
        {
            withCookie.Headers.Add("Cookie", "akkachat_token=" + token);
            using var response = await http.SendAsync(withCookie);
            Envelope.RefusedWith(await Envelope.ReadAsync(response), "log in");
        }

        foreach (var query in new[] { $"id={userId}&token={Uri.EscapeDataString(token)}", $"id={userId}&token={Uri.EscapeDataString(token)}&v=2" })
        {
            using var plain = await http.GetAsync("/chat?" + query);
            Assert.True(plain.StatusCode == HttpStatusCode.Unauthorized, $"/chat?{query}: expected 401 from a plain GET, got {(int)plain.StatusCode}");

            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var uri = new UriBuilder(baseUri) { Scheme = "ws", Path = "/chat", Query = query }.Uri;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, timeout.Token));
            Assert.True(socket.HttpStatusCode == HttpStatusCode.Unauthorized, $"/chat?{query}: expected 401 to the upgrade, got {(int)socket.HttpStatusCode}");
        }
    }

    /// <summary>The token works: an HTTP call and a seed-000 socket upgrade succeed with it.</summary>
    public static async Task AssertAcceptedAsync(Uri baseUri, string token, long userId)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        Envelope.Data(await Envelope.PostFormAsync(http, "/user/find", ("id", userId.Text()), ("token", token)));
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(ChatClient.SocketUri(baseUri, userId, token), timeout.Token);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
    }

    private static FormUrlEncodedContent Form((string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
