namespace AkkaChat.Browser.Tests.Seed003;

using System.Globalization;

/// <summary>
/// The seed-003 page in the repo (tests/Browser.Tests/Seed003/seed003.html, the seed document's test HTML unchanged) and
/// the script build-page.sh makes for it, and the only edits a test makes to the page: the signed user, their token,
/// the receiver and conversation its buttons use, and the node's address.
/// </summary>
public static class PageFiles
{
    /// <summary>What the seed page hard-codes, each replaced exactly once.</summary>
    public const string SeedUser = "var user_id = 1\n";
    public const string SeedToken = "hSXW0YdriAXR2LRn6P6veGBVMU0TqtX8Fy/MtZsDzgYEAkxBBW9o6MZobuT1BOekNkUT6YiSRd3bgVleInf65uAfSqxVVLdHtIliu4fSm4x6qWQJ6GHYUCDezSuTe64ziBeL3bws1/N+WRYejdYa7rUdJ6c7Zp7/2FzcDSPaDts=";
    public const string SeedReceiver = "MessageItem.setReceiverId(2)";
    public const string SeedConversation = "SyncReq.setConversationId(2398)";
    public const string SeedServer = "ws://127.0.0.1:9091/ws";

    public static string Folder { get; } = FindFolder();

    public static string Html => Path.Combine(Folder, "seed003.html");

    public static string Script
    {
        get
        {
            var path = Path.Combine(Folder, "out", "client_message.js");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run `bash tests/Browser.Tests/Seed003/build-page.sh` (scripts/test.sh does)");
        }
    }

    /// <summary>The page signed in as <paramref name="user"/>, its buttons aimed at <paramref name="peer"/>, its socket at <paramref name="node"/>'s <c>/ws</c>.</summary>
    public static string Substitute(string html, long user, string token, long peer, Uri node)
    {
        // The token sits in a JavaScript template literal: anything that would end or interpolate it is refused.
        if (token.Contains('`') || token.Contains("${", StringComparison.Ordinal) || token.Contains('\\'))
            throw new ArgumentException("the token cannot go into the page's template literal", nameof(token));
        html = Once(html, SeedUser, "var user_id = " + user.ToString(CultureInfo.InvariantCulture) + "\n");
        html = Once(html, SeedToken, token);
        html = Once(html, SeedReceiver, $"MessageItem.setReceiverId({peer.ToString(CultureInfo.InvariantCulture)})");
        html = Once(html, SeedConversation, $"SyncReq.setConversationId({peer.ToString(CultureInfo.InvariantCulture)})");
        return Once(html, SeedServer, $"ws://{node.Host}:{node.Port.ToString(CultureInfo.InvariantCulture)}/ws");
    }

    private static string Once(string html, string seed, string value)
    {
        var at = html.IndexOf(seed, StringComparison.Ordinal);
        if (at < 0 || html.IndexOf(seed, at + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException($"the seed page should contain '{seed}' exactly once");
        return string.Concat(html.AsSpan(0, at), value, html.AsSpan(at + seed.Length));
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "tests", "Browser.Tests", "Seed003");
            if (File.Exists(Path.Combine(folder, "seed003.html"))) return folder;
        }
        throw new InvalidOperationException($"tests/Browser.Tests/Seed003/seed003.html not found above {AppContext.BaseDirectory}");
    }
}
