namespace AkkaChat.Edge.Tests.Recovery;

using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

/// <summary>
/// A data directory written by an earlier build (Fixtures/OldData, see its README) still recovers: a node started on
/// a copy shows exactly what the writing build showed, through the HTTP API and both socket protocols.
/// </summary>
public sealed class OldDataDirectoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_data_directory_of_the_earlier_build_recovers_everything_a_client_sees()
    {
        var facts = OldDataFixture.Facts();
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(OldDataFixture.Directory, OldDataFixture.ExpectedFile)))!.AsObject();
        AssertTheFixtureHoldsTheScenario(expected, facts);

        var dataDir = OldDataFixture.CopyTo();
        await using var host = await ChatHost.StartAsync(dataDir: dataDir, output: output);
        var actual = await OldDataScenario.ObserveAsync(host.BaseUri, facts);

        foreach (var (part, value) in expected)
        {
            var seen = actual[part];
            Assert.True(JsonNode.DeepEquals(value, seen), $"{part} differs after recovery.\nexpected: {value?.ToJsonString()}\nactual:   {seen?.ToJsonString()}");
        }
        Assert.Equal(expected.Select(kv => kv.Key).Order(), actual.Select(kv => kv.Key).Order());
    }

    /// <summary>
    /// The expected state is what the writing build showed; these pin what the scenario did, so a fixture regenerated
    /// by a build that lost something cannot pass for the truth.
    /// </summary>
    private static void AssertTheFixtureHoldsTheScenario(JsonObject expected, OldDataFacts facts)
    {
        var u = facts.Users;
        long[] Ids(JsonNode? rows, string field = "id") => [.. rows!.AsArray().Select(r => r![field]!.GetValue<long>())];
        var users = expected["users"]!;

        Assert.True(expected["aliceOldPasswordRefused"]!.GetValue<bool>());
        Assert.Equal(401, expected["revokedTokenUpgrade"]!.GetValue<int>());
        Assert.Equal(101, expected["liveTokenUpgrade"]!.GetValue<int>());

        Assert.Equal("Alice", users["alice"]!["profile"]!["nickname"]!.GetValue<string>());
        Assert.Equal("likes rooms", users["carol"]!["profile"]!["memo"]!.GetValue<string>());
        Assert.Equal([u["bob"], u["carol"]], Ids(users["alice"]!["friends"]).Order());
        Assert.Equal([u["alice"]], Ids(users["bob"]!["friends"]));
        Assert.Empty(Ids(users["dave"]!["friends"]));
        Assert.Equal([u["erin"]], Ids(users["alice"]!["requests"], "userid"));
        Assert.Equal("please add me", users["alice"]!["requests"]![0]!["memo"]!.GetValue<string>());
        Assert.Equal([u["frank"]], Ids(users["bob"]!["blocked"]));
        Assert.Equal([u["dave"]], Ids(users["frank"]!["blocked"]));
        Assert.Empty(Ids(users["alice"]!["blocked"]));
        Assert.Equal([facts.Lounge, facts.Attic], Ids(users["alice"]!["rooms"]).Order());
        Assert.Empty(Ids(users["carol"]!["rooms"]));
        Assert.Empty(Ids(users["dave"]!["rooms"]));
        Assert.Equal([u["bob"], u["alice"]], Ids(expected["loungeMembers"]));
        Assert.Equal([u["alice"], u["frank"]], Ids(expected["atticMembers"]));

        // Bob's seed-000 backlog: the 1:1 and room messages stored after his seed-000 socket closed; the recalled ones
        // are not sent.
        string[] Contents(JsonNode? frames) => [.. frames!.AsArray().Where(f => f!["content"] is not null).Select(f => f!["content"]!.GetValue<string>())];
        Assert.Equal(["v2 one", "v2 three", "room one", "room three"], Contents(expected["bobSeedBacklog"]));
        Assert.Equal([5L, 7, 3, 5], expected["bobSeedBacklog"]!.AsArray().Select(f => f!["id"]!.GetValue<long>()));

        // Alice's v2 history with bob: 3 seed-000, bob's emoji, 3 v2 of which one recalled (a slot with no content).
        var withBob = expected["aliceHistories"]![$"u{u["bob"]}"]!["messages"]!.AsArray();
        Assert.Equal(7, withBob.Count);
        Assert.Single(withBob, m => m!["recalled"]?.GetValue<bool>() == true);
        var lounge = expected["aliceHistories"]![$"r{facts.Lounge}"]!["messages"]!.AsArray();
        Assert.Equal(5, lounge.Count);
        Assert.Single(lounge, m => m!["recalled"]?.GetValue<bool>() == true);

        var conversations = expected["aliceConversations"]!["items"]!.AsArray();
        Assert.Equal($"r{facts.Lounge}", conversations[0]!["conv"]!.GetValue<string>());
        Assert.True(conversations[0]!["pinned"]!.GetValue<bool>());
        Assert.Equal(1, conversations.Single(c => c!["conv"]!.GetValue<string>() == $"u{u["carol"]}")!["unread"]!.GetValue<int>());
        Assert.True(conversations.Single(c => c!["conv"]!.GetValue<string>() == $"u{u["carol"]}")!["muted"]!.GetValue<bool>());
        Assert.Equal(2, conversations.Single(c => c!["conv"]!.GetValue<string>() == $"r{facts.Attic}")!["unread"]!.GetValue<int>());

        // Bob resumed from inbox 2 and lounge 1: inbox 3..7 and lounge 2..5, the recalled ones as slots, then synced.
        var resume = expected["bobResume"]!.AsArray();
        Assert.Equal("synced", resume[^1]!["type"]!.GetValue<string>());
        var inbox = resume.Where(f => f!["type"]!.GetValue<string>() == "msg" && f["stream"]!.GetValue<string>() == $"u{u["bob"]}").Select(f => f!["seq"]!.GetValue<long>());
        Assert.Equal([3L, 4, 5, 6, 7], inbox);
        var room = resume.Where(f => f!["type"]!.GetValue<string>() == "msg" && f["stream"]!.GetValue<string>() == $"r{facts.Lounge}").Select(f => f!["seq"]!.GetValue<long>());
        Assert.Equal([2L, 3, 4, 5], room);
    }
}
