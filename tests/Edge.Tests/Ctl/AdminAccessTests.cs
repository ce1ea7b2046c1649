namespace AkkaChat.Edge.Tests.Ctl;

using System.Net;
using AkkaChat.Edge.Admin;
using AkkaChat.Edge.Hosting;

/// <summary>
/// Who may use /admin. A test here cannot call from another machine, so the filter's decision is tested directly; the
/// token's generation is tested on real data directories.
/// </summary>
public sealed class AdminAccessTests
{
    private static readonly AdminToken Token = AdminToken.LoadOrCreate(Options(new() { ["AKKACHAT_ADMIN_TOKEN"] = "operator-token-0123456789" }));

    [Theory]
    [InlineData("127.0.0.1", "Bearer operator-token-0123456789", false, AdminVerdict.Allowed)]
    [InlineData("::1", "bearer operator-token-0123456789", false, AdminVerdict.Allowed)]
    [InlineData("::ffff:127.0.0.1", "Bearer operator-token-0123456789", false, AdminVerdict.Allowed)]
    [InlineData("::ffff:10.1.2.3", "Bearer operator-token-0123456789", false, AdminVerdict.NotLocal)]
    [InlineData("10.1.2.3", "Bearer operator-token-0123456789", false, AdminVerdict.NotLocal)]
    [InlineData("10.1.2.3", null, false, AdminVerdict.NotLocal)]
    [InlineData("10.1.2.3", "Bearer operator-token-0123456789", true, AdminVerdict.Allowed)]
    [InlineData("10.1.2.3", "Bearer operator-token-012345678", true, AdminVerdict.WrongToken)]
    [InlineData("127.0.0.1", null, false, AdminVerdict.NoToken)]
    [InlineData("127.0.0.1", "Basic b3BlcmF0b3I=", false, AdminVerdict.NoToken)]
    [InlineData("127.0.0.1", "Bearer ", false, AdminVerdict.WrongToken)]
    public void A_caller_is_judged_by_where_it_is_and_the_token_it_presents(string caller, string? authorization, bool allowRemote, AdminVerdict verdict) =>
        Assert.Equal(verdict, AdminAccess.Judge(IPAddress.Parse(caller), authorization, Token, allowRemote));

    [Fact]
    public void A_generated_token_is_written_once_readable_only_by_the_owner_and_kept()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "akkachat-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var options = Options(new() { ["AKKACHAT_DATA_DIR"] = dataDir });
            var first = AdminToken.LoadOrCreate(options);
            var path = Path.Combine(dataDir, AdminToken.FileName);
            var text = File.ReadAllText(path).Trim();

            Assert.Matches("^[0-9a-f]{64}$", text);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.True(first.Matches(text));
            Assert.True(AdminToken.LoadOrCreate(options).Matches(text));
            Assert.Equal(text, File.ReadAllText(path).Trim());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task On_postgresql_every_node_gets_the_same_token_and_writes_it_to_its_data_directory()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var dirs = new[] { Guid.NewGuid(), Guid.NewGuid() }.Select(g => Path.Combine(Path.GetTempPath(), "akkachat-tests", g.ToString("N"))).ToList();
        try
        {
            var options = dirs.Select(dir => Options(new() { ["AKKACHAT_DATA_DIR"] = dir, ["AKKACHAT_STORAGE"] = "postgres", ["AKKACHAT_PG"] = database.ConnectionString })).ToList();
            options[0].Storage.Prepare();
            var tokens = options.Select(AdminToken.LoadOrCreate).ToList();
            var texts = dirs.Select(dir => File.ReadAllText(Path.Combine(dir, AdminToken.FileName)).Trim()).ToList();

            Assert.Equal(texts[0], texts[1]);
            Assert.All(tokens, token => Assert.True(token.Matches(texts[0])));
        }
        finally
        {
            foreach (var dir in dirs.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_configured_token_that_is_too_short_stops_the_node_with_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Options(new() { ["AKKACHAT_ADMIN_TOKEN"] = "short" }));
        Assert.Contains("AKKACHAT_ADMIN_TOKEN", error.Message);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    public void Remote_admin_is_off_unless_asked_for(string? value, bool remote) =>
        Assert.Equal(remote, Options(new() { ["AKKACHAT_ADMIN_REMOTE"] = value }).AdminRemote);

    [Fact]
    public void A_remote_admin_setting_that_is_not_true_or_false_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Options(new() { ["AKKACHAT_ADMIN_REMOTE"] = "yes" }));
        Assert.Equal("AKKACHAT_ADMIN_REMOTE must be true or false, not 'yes'", error.Message);
    }

    private static ChatOptions Options(Dictionary<string, string?> env)
    {
        env.TryAdd("AKKACHAT_DATA_DIR", Path.Combine(Path.GetTempPath(), "akkachat-tests", "unused"));
        return ChatOptions.Load(env);
    }
}
