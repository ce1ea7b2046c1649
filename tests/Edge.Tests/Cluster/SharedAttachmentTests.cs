namespace AkkaChat.Edge.Tests.Cluster;

using System.Net;
using System.Net.Http.Headers;
using ActorSystem = Akka.Actor.ActorSystem;
using AkkaChat.Edge.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

/// <summary>
/// On PostgreSQL the database holds every upload and the token signing key, so a file sent to one node is served by
/// every node of the cluster (each from its own read-through copy on disk), and a session from one node is good on all.
/// </summary>
public sealed class SharedAttachmentTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_session_from_one_node_uploads_through_another_and_the_first_serves_the_file_with_ranges()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        var shared = new Dictionary<string, string?>
        {
            ["AKKACHAT_STORAGE"] = "postgres",
            ["AKKACHAT_PG"] = database.ConnectionString,
        };
        await using var first = await ChatHost.StartAsync(shared, output);
        var seed = AkkaCluster.Get(first.App.Services.GetRequiredService<ActorSystem>()).SelfAddress;
        await using var second = await ChatHost.StartAsync(new Dictionary<string, string?>(shared) { ["AKKACHAT_SEEDS"] = seed.ToString() }, output);

        // Alice logs in on the first node and uploads through the second with that session: no AKKACHAT_SECRET is set,
        // so the nodes agree on the signing key through the database.
        using var alice = first.NewClient();
        await alice.SignUpAsync(ChatSteps.NewMobile(), "alice");
        using var aliceOnSecond = new HttpClient { BaseAddress = second.BaseUri };
        aliceOnSecond.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);
        var file = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(file);
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var form = new MultipartFormDataContent { { part, "file", "report.pdf" } };
        using var uploaded = await aliceOnSecond.PostAsync("/attach/upload", form);
        var url = Envelope.Data(await Envelope.ReadAsync(uploaded)).GetString()!;

        using var anonymous = new HttpClient { BaseAddress = first.BaseUri };
        using (var whole = await anonymous.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal("application/pdf", whole.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", Assert.Single(whole.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal(file, await whole.Content.ReadAsByteArrayAsync());
        }

        // The first node now has its own copy; ranges (audio and video seeking) are served from it.
        var cached = Path.Combine(first.DataDir, "attachments", url[AttachmentPrefix.Length..]);
        Assert.True(File.Exists(cached), "the first node keeps a copy after its first read");
        using (var range = new HttpRequestMessage(HttpMethod.Get, url))
        {
            range.Headers.Range = new RangeHeaderValue(1000, 1999);
            using var partial = await anonymous.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(file[1000..2000], await partial.Content.ReadAsByteArrayAsync());
        }

        // The copy is only a cache: without it the database serves the file again.
        File.Delete(cached);
        using (var again = await anonymous.GetAsync(url))
            Assert.Equal(file, await again.Content.ReadAsByteArrayAsync());
        using (var unknown = await anonymous.GetAsync(AttachmentPrefix + new string('a', 32) + ".pdf"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private const string AttachmentPrefix = "/mnt/";
}
