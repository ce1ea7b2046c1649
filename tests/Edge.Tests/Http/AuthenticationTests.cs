namespace AkkaChat.Edge.Tests.Http;

using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

/// <summary>
/// Every endpoint but register/login needs the caller's session: the cookie, <c>Authorization: Bearer</c>, or a
/// <c>token</c> field. A forged token is refused, and a <c>userid</c>/<c>ownerid</c> naming someone else is refused.
/// </summary>
public sealed class AuthenticationTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>, IDisposable
{
    private readonly HttpClient _anonymous = fixture.Host.CookielessClient();

    public static TheoryData<string> ProtectedFormEndpoints =>
    [
        "/user/find",
        "/contact/addfriend",
        "/user/addfriend",
        "/contact/loadfriend",
        "/contact/friend",
        "/contact/createcommunity",
        "/contact/loadcommunity",
        "/contact/community",
        "/contact/joincommunity",
        "/user/joincommunity",
    ];

    public void Dispose() => _anonymous.Dispose();

    [Theory]
    [MemberData(nameof(ProtectedFormEndpoints))]
    public async Task Without_a_session_every_endpoint_is_refused(string path)
    {
        // Plausible fields, so only the missing session can be the reason.
        Envelope.RefusedWith(await Envelope.PostFormAsync(_anonymous, path, PlausibleFields(1, 1)), "log in");
    }

    [Theory]
    [MemberData(nameof(ProtectedFormEndpoints))]
    public async Task A_forged_token_is_refused_everywhere(string path)
    {
        using var victim = await fixture.Host.NewUserAsync();
        using var attacker = await fixture.Host.NewUserAsync();
        var forged = Impersonate(attacker.Token, victim.UserId);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(Pairs(PlausibleFields(victim.UserId, attacker.UserId))) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        using var response = await _anonymous.SendAsync(request);
        Envelope.RefusedWith(await Envelope.ReadAsync(response), "log in");
    }

    [Fact]
    public async Task Upload_without_a_session_is_refused()
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent([0x89, 0x50, 0x4E, 0x47]), "file", "a.png" } };
        using var response = await _anonymous.PostAsync("/attach/upload", form);
        Envelope.RefusedWith(await Envelope.ReadAsync(response), "log in");
    }

    [Fact]
    public async Task A_bearer_header_authenticates_without_any_cookie()
    {
        using var user = await fixture.Host.NewUserAsync("bearer");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/user/find")
        {
            Content = new FormUrlEncodedContent(Pairs([("id", user.UserId.Text())])),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using var response = await _anonymous.SendAsync(request);
        var data = Envelope.Data(await Envelope.ReadAsync(response));
        Assert.Equal("bearer", data.GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task A_bearer_header_identifies_the_caller_for_lists()
    {
        using var user = await fixture.Host.NewUserAsync();
        using var friend = await fixture.Host.NewUserAsync("bearer-friend");
        Envelope.Data(await user.PostAsync("/contact/addfriend", ("dstid", friend.UserId.Text())));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/contact/loadfriend") { Content = new FormUrlEncodedContent(Pairs([])) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using var response = await _anonymous.SendAsync(request);
        var row = Assert.Single(Envelope.Rows(await Envelope.ReadAsync(response)));
        Assert.Equal(friend.UserId, row.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_token_field_authenticates_without_any_cookie()
    {
        using var user = await fixture.Host.NewUserAsync("field");
        var data = Envelope.Data(await Envelope.PostFormAsync(_anonymous, "/user/find", ("id", user.UserId.Text()), ("token", user.Token)));
        Assert.Equal("field", data.GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task A_token_field_in_a_json_body_authenticates()
    {
        using var user = await fixture.Host.NewUserAsync("json-field");
        var data = Envelope.Data(await Envelope.PostJsonAsync(_anonymous, "/user/find", new { id = user.UserId, token = user.Token }));
        Assert.Equal("json-field", data.GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task A_token_with_an_altered_signature_is_refused()
    {
        using var user = await fixture.Host.NewUserAsync();
        var dot = user.Token.IndexOf('.');
        var signature = user.Token[(dot + 1)..].ToCharArray();
        signature[0] = signature[0] == 'A' ? 'B' : 'A';
        var tampered = user.Token[..(dot + 1)] + new string(signature);

        Envelope.RefusedWith(await Envelope.PostFormAsync(_anonymous, "/contact/loadfriend", ("token", tampered)), "log in");
    }

    [Fact]
    public async Task A_token_claiming_another_user_is_refused()
    {
        using var victim = await fixture.Host.NewUserAsync();
        using var attacker = await fixture.Host.NewUserAsync();
        var forged = Impersonate(attacker.Token, victim.UserId);

        Envelope.RefusedWith(await Envelope.PostFormAsync(_anonymous, "/contact/loadfriend", ("token", forged)), "log in");
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b")]
    [InlineData("....")]
    public async Task A_malformed_token_is_refused(string token)
    {
        Envelope.RefusedWith(await Envelope.PostFormAsync(_anonymous, "/contact/loadfriend", ("token", token)), "log in");
    }

    [Fact]
    public async Task A_forged_bearer_header_is_not_rescued_by_a_valid_cookie()
    {
        using var user = await fixture.Host.NewUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/contact/loadfriend") { Content = new FormUrlEncodedContent(Pairs([])) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "forged.token");
        using var response = await user.Http.SendAsync(request);
        Envelope.RefusedWith(await Envelope.ReadAsync(response), "log in");
    }

    [Theory]
    [InlineData("/contact/loadfriend", "userid")]
    [InlineData("/contact/friend", "userid")]
    [InlineData("/contact/loadcommunity", "userid")]
    [InlineData("/contact/community", "userid")]
    [InlineData("/contact/addfriend", "userid")]
    [InlineData("/user/addfriend", "userid")]
    [InlineData("/contact/joincommunity", "userid")]
    [InlineData("/user/joincommunity", "userid")]
    [InlineData("/contact/createcommunity", "ownerid")]
    public async Task Naming_another_user_as_the_caller_is_refused(string path, string field)
    {
        using var caller = await fixture.Host.NewUserAsync();
        using var other = await fixture.Host.NewUserAsync();
        var fields = PlausibleFields(other.UserId, other.UserId).Where(f => f.Key != "userid" && f.Key != "ownerid").Append((field, other.UserId.Text())).ToArray();

        Envelope.RefusedWith(await caller.PostAsync(path, fields), "is not the logged-in user");

        // Nothing happened on the other user's behalf.
        Assert.Empty(Envelope.Rows(await other.PostAsync("/contact/loadfriend")));
        Assert.Empty(Envelope.Rows(await other.PostAsync("/contact/loadcommunity")));
    }

    [Fact]
    public async Task Naming_yourself_as_the_caller_is_accepted()
    {
        using var caller = await fixture.Host.NewUserAsync();
        Assert.Empty(Envelope.Rows(await caller.PostAsync("/contact/loadfriend", ("userid", caller.UserId.Text()))));
        var room = Envelope.Data(await caller.PostAsync("/contact/createcommunity", ("ownerid", caller.UserId.Text()), ("name", "mine")));
        Assert.Equal(caller.UserId, room.GetProperty("ownerid").GetInt64());
    }

    /// <summary>A token whose body names <paramref name="victim"/> but carries the signature of <paramref name="ownToken"/>.</summary>
    private static string Impersonate(string ownToken, long victim)
    {
        var dot = ownToken.IndexOf('.');
        var body = Encoding.ASCII.GetString(WebEncoders.Base64UrlDecode(ownToken[..dot]));
        var expiry = body[(body.IndexOf('.') + 1)..];
        return WebEncoders.Base64UrlEncode(Encoding.ASCII.GetBytes(victim.Text() + "." + expiry)) + ownToken[dot..];
    }

    private static (string Key, string Value)[] PlausibleFields(long user, long other) =>
    [
        ("id", other.Text()), ("userid", user.Text()), ("ownerid", user.Text()), ("dstid", other.Text()), ("name", "room"),
    ];

    private static IEnumerable<KeyValuePair<string, string>> Pairs((string Key, string Value)[] fields) =>
        fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value));
}
