namespace AkkaChat.Edge.Tests.Http;

/// <summary><c>POST /user/find</c>: a public profile only, and clear refusals for ids that cannot be users.</summary>
public sealed class FindUserTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Find_returns_exactly_the_public_profile()
    {
        using var viewer = await fixture.Host.NewUserAsync("viewer");
        using var target = fixture.Host.NewClient();
        var mobile = ChatSteps.NewMobile();
        var registered = Envelope.Data(await target.PostAsync("/user/register",
            ("mobile", mobile), ("passwd", "secret123"), ("nickname", "oracle"), ("avatar", "/a.png"), ("sex", "W"), ("memo", "cookies")));
        var id = Envelope.Id(registered.GetProperty("id"));

        using var response = await viewer.Http.PostAsync("/user/find", new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id.Text() }));
        var body = await response.Content.ReadAsStringAsync();
        var data = Envelope.Data(await Envelope.ReadAsync(response));

        Assert.Equal(["avatar", "createat", "id", "memo", "nickname", "sex"], data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(id, data.GetProperty("id").GetInt64());
        Assert.Equal("oracle", data.GetProperty("nickname").GetString());
        Assert.Equal("/a.png", data.GetProperty("avatar").GetString());
        Assert.Equal("W", data.GetProperty("sex").GetString());
        Assert.Equal("cookies", data.GetProperty("memo").GetString());
        Assert.Equal(registered.GetProperty("createat").GetInt64(), data.GetProperty("createat").GetInt64());
        Assert.DoesNotContain(mobile, body, StringComparison.Ordinal);
        Assert.DoesNotContain("token", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("passwd", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Finding_yourself_still_shows_no_mobile_or_token()
    {
        using var self = await fixture.Host.NewUserAsync("self");
        var data = Envelope.Data(await self.PostAsync("/user/find", ("id", self.UserId.Text())));
        Assert.Equal(self.UserId, data.GetProperty("id").GetInt64());
        Assert.False(data.TryGetProperty("mobile", out _));
        Assert.False(data.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task An_unknown_id_is_refused()
    {
        using var viewer = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await viewer.PostAsync("/user/find", ("id", Envelope.MaxSafeId.Text())), "does not exist");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("12abc")]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("9007199254740992")]
    [InlineData("99999999999999999999")]
    public async Task An_id_that_cannot_be_a_user_is_refused_with_a_clear_reason(string id)
    {
        using var viewer = await fixture.Host.NewUserAsync();
        var reason = Envelope.Refusal(await viewer.PostAsync("/user/find", ("id", id)));
        Assert.StartsWith("id ", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_id_is_refused()
    {
        using var viewer = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await viewer.PostAsync("/user/find"), "id is required");
    }
}
