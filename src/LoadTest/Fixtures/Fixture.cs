namespace AkkaChat.LoadTest.Fixtures;

using System.Text.Json;

public sealed record FixtureUser(long Id, string Mobile, string Token);

/// <summary>A room the harness made: its id, the owner and the members as indices into <see cref="Fixture.Users"/>.</summary>
public sealed record FixtureRoom(long Id, int Owner, int[] Members);

/// <summary>
/// Users, friendships and rooms made on one server, kept in a file so later runs reuse them: registering
/// costs the server a PBKDF2 hash (and logging in another), so a suite registers each user once.
/// </summary>
public sealed class Fixture
{
    public const string Password = "loadtest-secret";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Target { get; set; } = "";
    public string MobilePrefix { get; set; } = "";
    public List<FixtureUser> Users { get; set; } = [];
    public List<string> Friendships { get; set; } = [];
    public List<FixtureRoom> Rooms { get; set; } = [];

    public static Fixture New(Uri target) => new()
    {
        Target = target.ToString(),
        // 1 + 8 random digits + a 6-digit index: 15 digits, unique per fixture.
        MobilePrefix = "1" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public string MobileOf(int index) => MobilePrefix + index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static string FriendshipKey(int a, int b) => a < b ? $"{a}:{b}" : $"{b}:{a}";

    public static Fixture? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Fixture>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json));
        File.Move(tmp, path, overwrite: true);
    }
}
