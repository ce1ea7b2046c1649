namespace AkkaChat.Edge.Tests.Http;

using System.Net;
using System.Net.Http.Headers;
using System.Text;

/// <summary>
/// Bodies a hostile or broken client sends get the documented envelope (HTTP 200, <c>code:-1</c>, a reason), never an
/// empty 500; fields of the wrong type are refused by name, not coerced (docs/PROTOCOL.md §1).
/// </summary>
public sealed class MalformedBodyTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>, IDisposable
{
    private readonly HttpClient _http = fixture.Host.CookielessClient();

    public void Dispose() => _http.Dispose();

    private async Task<string> RefusalAsync(string path, HttpContent content, HttpClient? http = null)
    {
        using var response = await (http ?? _http).PostAsync(path, content);
        return Envelope.Refusal(await Envelope.ReadAsync(response));
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ByteArrayContent Json(string body) => Json(Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task A_json_body_with_invalid_utf8_gets_the_envelope()
    {
        var inString = Encoding.UTF8.GetBytes("{\"mobile\":\"13800000000\",\"passwd\":\"abcdefgh\"}");
        inString[Array.IndexOf(inString, (byte)'a')] = 0xFF;
        Assert.Equal("malformed JSON body: it is not valid UTF-8", await RefusalAsync("/user/register", Json(inString)));

        var inName = Encoding.UTF8.GetBytes("{\"mobile\":\"13800000000\",\"pXsswd\":\"abcdefgh\"}");
        inName[Array.IndexOf(inName, (byte)'X')] = 0xC3;
        Assert.StartsWith("malformed JSON body", await RefusalAsync("/user/login", Json(inName)));

        var outside = Encoding.UTF8.GetBytes("{\"mobile\":X}");
        outside[Array.IndexOf(outside, (byte)'X')] = 0xFE;
        Assert.StartsWith("malformed JSON body", await RefusalAsync("/user/login", Json(outside)));
    }

    [Fact]
    public async Task A_multipart_body_cut_off_before_its_closing_boundary_gets_the_envelope()
    {
        using var user = await fixture.Host.NewUserAsync("uploader");
        const string boundary = "----cutoff";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\u0089PNG partial";
        foreach (var path in new[] { "/attach/upload", "/user/register", "/contact/addfriend" })
        {
            var content = new StringContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
            Assert.Equal("bad request: the body ended before it was complete", await RefusalAsync(path, content, user.Http));
        }
    }

    [Theory]
    [InlineData("{\"mobile\":\"13800000001\",\"passwd\":[\"abcdefgh\"]}", "passwd must be a string, not an array")]
    [InlineData("{\"mobile\":\"13800000001\",\"passwd\":{\"a\":\"abcdefgh\"}}", "passwd must be a string, not an object")]
    [InlineData("{\"mobile\":\"13800000001\",\"passwd\":12345678}", "passwd must be a string, not a number")]
    [InlineData("{\"mobile\":13800000001,\"passwd\":\"abcdefgh\"}", "mobile must be a string, not a number")]
    [InlineData("{\"mobile\":\"13800000001\",\"passwd\":\"abcdefgh\",\"nickname\":true}", "nickname must be a string, not a boolean")]
    public async Task Register_refuses_a_field_of_the_wrong_type(string body, string reason)
    {
        Assert.Equal(reason, await RefusalAsync("/user/register", Json(body)));
    }

    [Theory]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("05")]
    [InlineData("+5")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("5.0")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("9007199254740992")] // 2^53
    public async Task An_id_not_in_plain_digits_is_refused_in_a_form_and_in_json(string id)
    {
        using var user = await fixture.Host.NewUserAsync("finder");
        const string reason = "id must be a positive whole number below 2^53 in plain digits (no sign, spaces or leading zeros)";
        Envelope.RefusedWith(await user.PostAsync("/user/find", ("id", id)), reason);
        Assert.Equal(reason, await RefusalAsync("/user/find", Json($"{{\"id\":\"{id}\"}}"), user.Http));
        if (double.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out _) && !id.StartsWith('+') && !id.StartsWith(' ') && !id.EndsWith(' ') && !(id.Length > 1 && id[0] == '0'))
            Assert.Equal(reason, await RefusalAsync("/user/find", Json($"{{\"id\":{id}}}"), user.Http)); // as a JSON number
    }

    [Fact]
    public async Task An_id_is_accepted_as_plain_digits_in_a_form_and_as_a_number_or_digit_string_in_json()
    {
        using var user = await fixture.Host.NewUserAsync("finder");
        using var found = await fixture.Host.NewUserAsync("found");
        var id = found.UserId.Text();
        Assert.Equal(found.UserId, Envelope.Data(await user.PostAsync("/user/find", ("id", id))).GetProperty("id").GetInt64());
        Assert.Equal(found.UserId, Envelope.Data(await Envelope.PostJsonAsync(user.Http, "/user/find", new { id = found.UserId })).GetProperty("id").GetInt64());
        Assert.Equal(found.UserId, Envelope.Data(await Envelope.PostJsonAsync(user.Http, "/user/find", new { id })).GetProperty("id").GetInt64());
        Assert.Equal("id must be a number, not an array", await RefusalAsync("/user/find", Json($"{{\"id\":[{id}]}}"), user.Http));
    }

    [Fact]
    public async Task A_json_body_nested_deeper_than_four_levels_or_not_an_object_is_refused()
    {
        Assert.StartsWith("malformed JSON body", await RefusalAsync("/user/login", Json("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}")));
        Assert.Equal("the JSON body must be an object", await RefusalAsync("/user/login", Json("[1]")));
        Assert.StartsWith("malformed JSON body", await RefusalAsync("/user/login", Json("{\"mobile\":")));
    }

    [Fact]
    public async Task A_get_of_an_api_path_is_not_a_server_error()
    {
        using var response = await _http.GetAsync("/user/login");
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
    }
}
