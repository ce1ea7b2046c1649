namespace AkkaChat.Edge.Tests.Http;

using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

/// <summary>
/// <c>POST /attach/upload</c> and <c>GET /mnt/{name}</c>: vetted types only, a size limit, random names,
/// safe response headers, and no way out of the attachments folder.
/// </summary>
public sealed class AttachmentTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>, IDisposable
{
    private const int MaxBytes = 10 * 1024 * 1024;

    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly HttpClient _anonymous = fixture.Host.CookielessClient();

    public void Dispose() => _anonymous.Dispose();

    [Fact]
    public async Task An_uploaded_png_is_served_back_byte_for_byte_with_safe_headers()
    {
        using var user = await fixture.Host.NewUserAsync();
        var png = Png(300);

        var url = Envelope.Data(await UploadAsync(user.Http, File(png, "photo.png", "image/png"))).GetString();

        Assert.NotNull(url);
        Assert.Matches(StoredUrl("png"), url);
        using var response = await _anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Each_upload_gets_its_own_name()
    {
        using var user = await fixture.Host.NewUserAsync();
        var first = Envelope.Data(await UploadAsync(user.Http, File(Png(10), "same.png", "image/png"))).GetString();
        var second = Envelope.Data(await UploadAsync(user.Http, File(Png(10), "same.png", "image/png"))).GetString();
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_recorded_blob_with_filetype_mp3_is_stored_and_served_as_audio()
    {
        using var user = await fixture.Host.NewUserAsync();
        byte[] audio = [0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0xFF, 0xFB, 0x90, 0x64];
        var form = new MultipartFormDataContent { { Part(audio, "application/octet-stream"), "file", "blob" }, { new StringContent(".mp3"), "filetype" } };

        var url = Envelope.Data(await UploadAsync(user.Http, form)).GetString();

        Assert.NotNull(url);
        Assert.Matches(StoredUrl("mp3"), url);
        using var response = await _anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(audio, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("tool.exe", "application/octet-stream")]
    [InlineData("tool.exe", "application/x-msdownload")]
    [InlineData("page.html", "text/html")]
    [InlineData("page.htm", "text/html")]
    [InlineData("vector.svg", "image/svg+xml")]
    [InlineData("script.js", "text/javascript")]
    public async Task A_file_of_a_dangerous_type_is_refused(string fileName, string contentType)
    {
        using var user = await fixture.Host.NewUserAsync();
        var content = "<html><script>alert(1)</script></html>"u8.ToArray();
        Envelope.RefusedWith(await UploadAsync(user.Http, File(content, fileName, contentType)), "not accepted");
    }

    [Fact]
    public async Task A_dangerous_filetype_field_does_not_make_the_file_servable_as_html()
    {
        using var user = await fixture.Host.NewUserAsync();
        var form = new MultipartFormDataContent { { Part("<script>alert(1)</script>"u8.ToArray(), "text/html"), "file", "blob" }, { new StringContent(".html"), "filetype" } };
        Envelope.RefusedWith(await UploadAsync(user.Http, form), "not accepted");
    }

    [Fact]
    public async Task A_file_of_exactly_the_size_limit_is_accepted()
    {
        using var user = await fixture.Host.NewUserAsync();
        var url = Envelope.Data(await UploadAsync(user.Http, File(Png(MaxBytes), "big.png", "image/png"))).GetString();
        Assert.NotNull(url);
        Assert.Matches(StoredUrl("png"), url);
        using var response = await _anonymous.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(MaxBytes, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_file_one_byte_over_the_limit_is_refused()
    {
        using var user = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await UploadAsync(user.Http, File(Png(MaxBytes + 1), "big.png", "image/png")), "too large");
    }

    [Fact]
    public async Task A_declared_body_far_over_the_limit_is_answered_with_an_envelope_before_the_body_is_sent()
    {
        using var user = await fixture.Host.NewUserAsync();
        var before = StoredFiles();

        // Raw HTTP/1.1 so the test can read the answer without first pushing 12 MiB at a server that has stopped reading.
        var reply = await RawExchangeAsync(
            "POST /attach/upload HTTP/1.1\r\n" +
            $"Host: {fixture.Host.BaseUri.Authority}\r\n" +
            $"Authorization: Bearer {user.Token}\r\n" +
            "Content-Type: multipart/form-data; boundary=limit-test\r\n" +
            $"Content-Length: {MaxBytes + 2 * 1024 * 1024}\r\n" +
            "Expect: 100-continue\r\n" +
            "\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", reply.StatusLine, StringComparison.Ordinal);
        var envelope = System.Text.Json.JsonDocument.Parse(reply.Body).RootElement;
        Envelope.RefusedWith(envelope, "too large");
        Assert.Equal(before, StoredFiles());
    }

    [Fact]
    public async Task A_body_far_over_the_limit_is_refused_and_the_node_keeps_serving()
    {
        using var user = await fixture.Host.NewUserAsync();
        var before = StoredFiles();
        try
        {
            Envelope.RefusedWith(await UploadAsync(user.Http, File(Png(MaxBytes + 2 * 1024 * 1024), "huge.png", "image/png")), "too large");
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            // The server answers (see the raw-socket test above) and closes; HttpClient, still sending the body,
            // hits the closed connection before it reads that answer. Either way nothing may be stored.
        }
        Assert.Equal(before, StoredFiles());

        var url = Envelope.Data(await UploadAsync(user.Http, File(Png(100), "after.png", "image/png"))).GetString();
        Assert.Matches(StoredUrl("png"), url);
    }

    [Fact]
    public async Task An_upload_without_a_file_is_refused()
    {
        using var user = await fixture.Host.NewUserAsync();
        var form = new MultipartFormDataContent { { new StringContent(".png"), "filetype" } };
        Envelope.RefusedWith(await UploadAsync(user.Http, form), "no file");
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        using var user = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await UploadAsync(user.Http, File([], "empty.png", "image/png")), "no file");
    }

    [Fact]
    public async Task A_file_under_another_field_name_is_refused()
    {
        using var user = await fixture.Host.NewUserAsync();
        var form = new MultipartFormDataContent { { Part(Png(20), "image/png"), "picture", "photo.png" } };
        Envelope.RefusedWith(await UploadAsync(user.Http, form), "no file");
    }

    [Fact]
    public async Task An_upload_that_is_not_multipart_is_refused()
    {
        using var user = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await user.PostAsync("/attach/upload", ("file", "not a file")), "no file");
    }

    [Fact]
    public async Task Upload_without_logging_in_is_refused_and_stores_nothing()
    {
        var before = StoredFiles();
        Envelope.RefusedWith(await UploadAsync(_anonymous, File(Png(50), "photo.png", "image/png")), "log in");
        Assert.Equal(before, StoredFiles());
    }

    [Fact]
    public async Task Upload_with_a_bearer_token_and_no_cookie_is_accepted()
    {
        using var user = await fixture.Host.NewUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/attach/upload") { Content = File(Png(40), "photo.png", "image/png") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using var response = await _anonymous.SendAsync(request);
        Assert.Matches(StoredUrl("png"), Envelope.Data(await Envelope.ReadAsync(response)).GetString());
    }

    [Theory]
    [InlineData("/mnt/../secret.key")]
    [InlineData("/mnt/%2e%2e%2fsecret.key")]
    [InlineData("/mnt/%2e%2e/secret.key")]
    [InlineData("/mnt/..%2fsecret.key")]
    [InlineData("/mnt/..%5csecret.key")]
    [InlineData("/mnt/secret.key")]
    [InlineData("/mnt/notahexname.png")]
    [InlineData("/mnt/0123456789abcdef0123456789abcdef.png")]
    [InlineData("/mnt/0123456789abcdef0123456789abcdef.png.part")]
    public async Task Paths_outside_the_stored_uploads_are_not_found_and_never_leak_the_secret(string path)
    {
        var secret = (await System.IO.File.ReadAllTextAsync(Path.Combine(fixture.Host.DataDir, "secret.key"))).Trim();
        Assert.NotEmpty(secret);

        // Sent exactly as written: the client must not resolve the dot segments itself.
        var uri = new Uri(fixture.Host.BaseUri.GetLeftPart(UriPartial.Authority) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var response = await _anonymous.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_stored_file_is_reachable_only_by_its_exact_name()
    {
        using var user = await fixture.Host.NewUserAsync();
        var url = Envelope.Data(await UploadAsync(user.Http, File(Png(30), "photo.png", "image/png"))).GetString()!;

        using var upper = await _anonymous.GetAsync(url.ToUpperInvariant().Replace("/MNT/", "/mnt/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, upper.StatusCode);
        using var otherType = await _anonymous.GetAsync(url[..^4] + ".mp3");
        Assert.Equal(HttpStatusCode.NotFound, otherType.StatusCode);
    }

    /// <summary>Sends <paramref name="head"/> on a fresh connection and reads one response (status line and de-chunked body), bounded by 10 s.</summary>
    private async Task<(string StatusLine, string Body)> RawExchangeAsync(string head)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(fixture.Host.BaseUri.Host, fixture.Host.BaseUri.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), timeout.Token);

        var received = new List<byte>();
        var buffer = new byte[8192];
        while (true)
        {
            var text = System.Text.Encoding.UTF8.GetString([.. received]);
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var headers = text[..headEnd];
                Assert.DoesNotContain("100 Continue", headers, StringComparison.OrdinalIgnoreCase);
                var body = text[(headEnd + 4)..];
                if (!headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
                {
                    var length = int.Parse(Regex.Match(headers, "(?im)^content-length:\\s*(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    if (body.Length >= length) return (headers.Split("\r\n")[0], body[..length]);
                }
                else if (Dechunk(body) is { } complete)
                {
                    return (headers.Split("\r\n")[0], complete);
                }
            }
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) Assert.Fail("the connection closed before a whole response arrived: " + text);
            received.AddRange(buffer.AsSpan(0, read));
        }
    }

    /// <summary>The body of a chunked message, or null while its last chunk has not arrived.</summary>
    private static string? Dechunk(string chunked)
    {
        var body = new System.Text.StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0) return null;
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0].Trim(), 16);
            if (size == 0) return body.ToString();
            if (chunked.Length < lineEnd + 2 + size + 2) return null;
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static async Task<System.Text.Json.JsonElement> UploadAsync(HttpClient http, HttpContent content)
    {
        using (content)
        using (var response = await http.PostAsync("/attach/upload", content))
        {
            return await Envelope.ReadAsync(response);
        }
    }

    /// <summary>A form with one file in the field <c>file</c>, the way the seed client uploads.</summary>
    private static MultipartFormDataContent File(byte[] bytes, string fileName, string contentType) =>
        new() { { Part(bytes, contentType), "file", fileName } };

    private static ByteArrayContent Part(byte[] bytes, string contentType)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return part;
    }

    /// <summary><paramref name="length"/> bytes starting with the PNG signature, the rest a recognisable pattern.</summary>
    private static byte[] Png(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)(i * 31 + 7);
        PngMagic.AsSpan(0, Math.Min(PngMagic.Length, length)).CopyTo(bytes);
        return bytes;
    }

    private string[] StoredFiles()
    {
        var dir = Path.Combine(fixture.Host.DataDir, "attachments");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Order(StringComparer.Ordinal)] : [];
    }

    private static Regex StoredUrl(string extension) => new("^/mnt/[0-9a-f]{32}\\." + extension + "$");
}
