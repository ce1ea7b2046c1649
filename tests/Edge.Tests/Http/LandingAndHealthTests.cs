namespace AkkaChat.Edge.Tests.Http;

using System.Net;

/// <summary>The landing page and the health/readiness probes, none of which need a session.</summary>
public sealed class LandingAndHealthTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>, IDisposable
{
    private readonly HttpClient _anonymous = fixture.Host.CookielessClient();

    public void Dispose() => _anonymous.Dispose();

    [Fact]
    public async Task The_root_serves_the_web_app_and_its_modules()
    {
        using var response = await _anonymous.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<title>AkkaChat</title>", html, StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"/js/app.js\">", html, StringComparison.Ordinal);
        foreach (var module in new[] { "/js/app.js", "/js/connection.js", "/js/api.js", "/app.css" })
        {
            using var asset = await _anonymous.GetAsync(module);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }
    }

    [Fact]
    public async Task The_about_page_lists_the_endpoints()
    {
        var html = await _anonymous.GetStringAsync("/about.html");
        Assert.Contains("/user/register", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz", "ok")]
    [InlineData("/readyz", "ready")]
    public async Task The_probes_answer_200(string path, string body)
    {
        using var response = await _anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_path_is_not_found()
    {
        using var response = await _anonymous.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
