namespace AkkaChat.Edge.Tests.Http;

using System.Text.RegularExpressions;

/// <summary><c>POST /user/login</c>: the token, the session cookie, and one answer for every kind of wrong credential.</summary>
public sealed partial class LoginTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>, IDisposable
{
    private readonly HttpClient _http = fixture.Host.CookielessClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Login_returns_the_user_with_a_url_safe_token_and_sets_an_httponly_strict_cookie()
    {
        var mobile = ChatSteps.NewMobile();
        var registered = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "secret123"), ("nickname", "morpheus")));

        using var response = await _http.PostAsync("/user/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["mobile"] = mobile, ["passwd"] = "secret123" }));
        var data = Envelope.Data(await Envelope.ReadAsync(response));

        Assert.Equal(registered.GetProperty("id").GetInt64(), Envelope.Id(data.GetProperty("id")));
        Assert.Equal("morpheus", data.GetProperty("nickname").GetString());
        var token = data.GetProperty("token").GetString();
        Assert.NotNull(token);
        Assert.Matches(UrlSafe(), token);
        Assert.False(data.TryGetProperty("passwd", out _));

        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var cookies), "login sets no cookie");
        var session = Assert.Single(cookies, c => c.StartsWith("akkachat_token=", StringComparison.Ordinal));
        var attributes = session.Split(';', StringSplitOptions.TrimEntries);
        Assert.Equal("akkachat_token=" + token, attributes[0]);
        Assert.Contains(attributes, a => a.Equals("httponly", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(attributes, a => a.Equals("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(attributes, a => a.Equals("path=/", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_login_cookie_alone_authenticates_later_requests()
    {
        using var client = fixture.Host.NewClient();
        var mobile = ChatSteps.NewMobile();
        await client.SignUpAsync(mobile, "cookie-user");

        // No token field, no header: only the cookie the login set.
        var found = Envelope.Data(await client.PostAsync("/user/find", ("id", client.UserId.Text())));
        Assert.Equal("cookie-user", found.GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_mobile_get_the_same_answer()
    {
        var mobile = ChatSteps.NewMobile();
        Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "secret123")));

        var wrongPassword = Envelope.Refusal(await Envelope.PostFormAsync(_http, "/user/login", ("mobile", mobile), ("passwd", "secret124")));
        var unknownMobile = Envelope.Refusal(await Envelope.PostFormAsync(_http, "/user/login", ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123")));
        var malformedMobile = Envelope.Refusal(await Envelope.PostFormAsync(_http, "/user/login", ("mobile", "not-a-phone"), ("passwd", "secret123")));

        Assert.Equal("wrong mobile or password", wrongPassword);
        Assert.Equal(wrongPassword, unknownMobile);
        Assert.Equal(wrongPassword, malformedMobile);
    }

    [Fact]
    public async Task A_refused_login_sets_no_cookie()
    {
        using var response = await _http.PostAsync("/user/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["mobile"] = ChatSteps.NewMobile(), ["passwd"] = "secret123" }));
        Envelope.Refusal(await Envelope.ReadAsync(response));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("mobile")]
    [InlineData("passwd")]
    public async Task A_missing_credential_is_refused(string missing)
    {
        var fields = new[] { ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123") }.Where(f => f.Item1 != missing).ToArray();
        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/login", fields), missing + " is required");
    }

    [Fact]
    public async Task Each_login_issues_a_token_for_the_same_user()
    {
        using var client = fixture.Host.NewClient();
        var mobile = ChatSteps.NewMobile();
        var id = await client.SignUpAsync(mobile);
        var first = client.Token;
        Assert.Equal(id, await client.LogInAsync(mobile));
        Assert.Matches(UrlSafe(), client.Token);
        Assert.Matches(UrlSafe(), first);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex UrlSafe();
}
