namespace AkkaChat.Edge.Tests.Http;

using System.Text.Json;

/// <summary><c>POST /user/register</c>: the seed client's fields, validation, and what the reply must never contain.</summary>
public sealed class RegisterTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>, IDisposable
{
    private readonly HttpClient _http = fixture.Host.CookielessClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Register_returns_the_new_user_with_an_id_and_never_a_password_or_hash()
    {
        var mobile = ChatSteps.NewMobile();
        using var response = await _http.PostAsync("/user/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["mobile"] = mobile,
            ["passwd"] = "Opensesame42",
            ["nickname"] = "neo",
        }));
        var body = await response.Content.ReadAsStringAsync();
        var data = Envelope.Data(await Envelope.ReadAsync(response));

        Envelope.Id(data.GetProperty("id"));
        Assert.Equal("neo", data.GetProperty("nickname").GetString());
        foreach (var secret in new[] { "passwd", "password", "hash", "salt", "Opensesame42" })
            Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("M")]
    [InlineData("W")]
    public async Task Register_accepts_every_field_the_seed_client_sends(string sex)
    {
        var mobile = ChatSteps.NewMobile();
        var data = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register",
            ("mobile", mobile), ("passwd", "secret123"), ("passwdr", "secret123"), ("nickname", "trinity"),
            ("avatar", "/asset/images/avatar0.png"), ("sex", sex), ("memo", "follow the white rabbit")));

        Assert.Equal("trinity", data.GetProperty("nickname").GetString());
        Assert.Equal("/asset/images/avatar0.png", data.GetProperty("avatar").GetString());
        Assert.Equal(sex, data.GetProperty("sex").GetString());
        Assert.Equal("follow the white rabbit", data.GetProperty("memo").GetString());

        // The stored profile holds the same values.
        using var viewer = await fixture.Host.NewUserAsync();
        var found = Envelope.Data(await viewer.PostAsync("/user/find", ("id", Envelope.Id(data.GetProperty("id")).Text())));
        Assert.Equal("trinity", found.GetProperty("nickname").GetString());
        Assert.Equal("/asset/images/avatar0.png", found.GetProperty("avatar").GetString());
        Assert.Equal(sex, found.GetProperty("sex").GetString());
        Assert.Equal("follow the white rabbit", found.GetProperty("memo").GetString());
    }

    [Fact]
    public async Task Register_accepts_a_json_body()
    {
        var mobile = ChatSteps.NewMobile();
        var data = Envelope.Data(await Envelope.PostJsonAsync(_http, "/user/register", new { mobile, passwd = "secret123", nickname = "json-user" }));
        Envelope.Id(data.GetProperty("id"));
        Assert.Equal("json-user", data.GetProperty("nickname").GetString());

        var login = Envelope.Data(await Envelope.PostJsonAsync(_http, "/user/login", new { mobile, passwd = "secret123" }));
        Assert.Equal(data.GetProperty("id").GetInt64(), login.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Two_registrations_get_different_ids()
    {
        var first = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123")));
        var second = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123")));
        Assert.NotEqual(Envelope.Id(first.GetProperty("id")), Envelope.Id(second.GetProperty("id")));
    }

    [Fact]
    public async Task A_missing_nickname_defaults_to_the_mobile()
    {
        var mobile = ChatSteps.NewMobile();
        var data = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "secret123")));
        Assert.Equal(mobile, data.GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task A_duplicate_mobile_is_refused_and_the_first_account_keeps_its_password()
    {
        var mobile = ChatSteps.NewMobile();
        var first = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "original1")));

        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "intruder1")), "already registered");

        var login = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/login", ("mobile", mobile), ("passwd", "original1")));
        Assert.Equal(first.GetProperty("id").GetInt64(), login.GetProperty("id").GetInt64());
        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/login", ("mobile", mobile), ("passwd", "intruder1")), "wrong mobile or password");
    }

    [Theory]
    [InlineData("abcdefghijk", "mobile")]
    [InlineData("1390000abcd", "mobile")]
    [InlineData("1234", "mobile")]
    [InlineData("", "mobile is required")]
    public async Task An_invalid_mobile_is_refused(string mobile, string reason)
    {
        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "secret123")), reason);
    }

    [Fact]
    public async Task A_missing_mobile_field_is_refused()
    {
        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/register", ("passwd", "secret123")), "mobile is required");
    }

    [Fact]
    public async Task A_missing_password_is_refused()
    {
        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("nickname", "x")), "passwd is required");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("12345")]
    public async Task A_password_shorter_than_six_characters_is_refused_and_nothing_is_stored(string password)
    {
        var mobile = ChatSteps.NewMobile();
        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", password)), "at least 6");

        // The refused registration did not claim the mobile.
        Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "secret123")));
    }

    [Fact]
    public async Task A_six_character_password_is_accepted()
    {
        Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("passwd", "123456")));
    }

    [Fact]
    public async Task A_mismatched_repeated_password_is_refused()
    {
        var mobile = ChatSteps.NewMobile();
        Envelope.RefusedWith(
            await Envelope.PostFormAsync(_http, "/user/register", ("mobile", mobile), ("passwd", "secret123"), ("passwdr", "secret124")),
            "do not match");
        Envelope.RefusedWith(await Envelope.PostFormAsync(_http, "/user/login", ("mobile", mobile), ("passwd", "secret123")), "wrong mobile or password");
    }

    [Fact]
    public async Task An_oversized_nickname_is_refused_and_64_characters_are_accepted()
    {
        Envelope.RefusedWith(
            await Envelope.PostFormAsync(_http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123"), ("nickname", new string('n', 65))),
            "nickname");

        var longest = new string('n', 64);
        var data = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123"), ("nickname", longest)));
        Assert.Equal(longest, data.GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task A_json_body_that_is_not_an_object_is_refused()
    {
        using var content = new StringContent("[1,2,3]", System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/user/register", content);
        Envelope.RefusedWith(await Envelope.ReadAsync(response), "object");
    }

    [Fact]
    public async Task Malformed_json_is_refused()
    {
        using var content = new StringContent("{\"mobile\":", System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/user/register", content);
        Envelope.RefusedWith(await Envelope.ReadAsync(response), "json");
    }

    [Fact]
    public async Task The_reply_has_lowercase_property_names()
    {
        var data = Envelope.Data(await Envelope.PostFormAsync(_http, "/user/register", ("mobile", ChatSteps.NewMobile()), ("passwd", "secret123")));
        foreach (var property in data.EnumerateObject())
            Assert.Equal(property.Name.ToLowerInvariant(), property.Name);
        Assert.Equal(JsonValueKind.Number, data.GetProperty("createat").ValueKind);
    }
}
