namespace AkkaChat.Edge.Tests.Http;

/// <summary>
/// Rooms ("communities"): <c>/contact/createcommunity</c>, <c>/contact/loadcommunity</c> (alias <c>/contact/community</c>)
/// and <c>/contact/joincommunity</c> (alias <c>/user/joincommunity</c>).
/// </summary>
public sealed class CommunityTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Creating_a_room_returns_it_and_makes_the_owner_a_member()
    {
        using var owner = await fixture.Host.NewUserAsync();
        var room = Envelope.Data(await owner.PostAsync("/contact/createcommunity",
            ("ownerid", owner.UserId.Text()), ("name", "Zion"), ("icon", "/asset/images/community.png"), ("memo", "last human city"), ("cate", "2")));

        var roomId = Envelope.Id(room.GetProperty("id"));
        Assert.Equal(owner.UserId, room.GetProperty("ownerid").GetInt64());
        Assert.Equal("Zion", room.GetProperty("name").GetString());
        Assert.Equal("/asset/images/community.png", room.GetProperty("icon").GetString());
        Assert.Equal("last human city", room.GetProperty("memo").GetString());
        Assert.Equal(2, room.GetProperty("cate").GetInt32());

        var listed = Assert.Single(Envelope.Rows(await owner.PostAsync("/contact/loadcommunity", ("userid", owner.UserId.Text()))));
        Assert.Equal(roomId, listed.GetProperty("id").GetInt64());
        Assert.Equal("Zion", listed.GetProperty("name").GetString());
        Assert.Equal(owner.UserId, listed.GetProperty("ownerid").GetInt64());
    }

    [Fact]
    public async Task Optional_room_fields_default_to_empty()
    {
        using var owner = await fixture.Host.NewUserAsync();
        var room = Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "bare")));
        Assert.Equal("", room.GetProperty("icon").GetString());
        Assert.Equal("", room.GetProperty("memo").GetString());
        Assert.Equal(0, room.GetProperty("cate").GetInt32());
    }

    [Fact]
    public async Task Two_rooms_get_different_ids()
    {
        using var owner = await fixture.Host.NewUserAsync();
        var first = Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "one")));
        var second = Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "two")));
        Assert.NotEqual(Envelope.Id(first.GetProperty("id")), Envelope.Id(second.GetProperty("id")));
        Assert.Equal(2, Envelope.Rows(await owner.PostAsync("/contact/loadcommunity")).Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_room_without_a_name_is_refused(string? name)
    {
        using var owner = await fixture.Host.NewUserAsync();
        var fields = name is null ? new[] { ("memo", "nameless") } : [("name", name), ("memo", "nameless")];
        Envelope.RefusedWith(await owner.PostAsync("/contact/createcommunity", fields), "name");
        Assert.Empty(Envelope.Rows(await owner.PostAsync("/contact/loadcommunity")));
    }

    [Fact]
    public async Task An_oversized_room_name_is_refused()
    {
        using var owner = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await owner.PostAsync("/contact/createcommunity", ("name", new string('r', 65))), "name is too long");
    }

    [Fact]
    public async Task A_non_numeric_cate_is_refused()
    {
        using var owner = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await owner.PostAsync("/contact/createcommunity", ("name", "r"), ("cate", "music")), "cate");
    }

    [Fact]
    public async Task A_user_can_create_five_rooms_and_the_sixth_is_refused()
    {
        using var owner = await fixture.Host.NewUserAsync();
        for (var i = 1; i <= 5; i++)
            Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("ownerid", owner.UserId.Text()), ("name", "room" + i)));

        var reason = Envelope.Refusal(await owner.PostAsync("/contact/createcommunity", ("ownerid", owner.UserId.Text()), ("name", "room6")));
        Assert.Contains("at most 5", reason, StringComparison.Ordinal);

        var rooms = Envelope.Rows(await owner.PostAsync("/contact/loadcommunity"));
        Assert.Equal(["room1", "room2", "room3", "room4", "room5"], rooms.Select(r => r.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_room_limit_holds_under_concurrent_creates()
    {
        using var owner = await fixture.Host.NewUserAsync();
        var replies = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => owner.PostAsync("/contact/createcommunity", ("name", "burst" + i))));
        Assert.Equal(5, replies.Count(r => r.GetProperty("code").GetInt32() == 0));
        // Every refusal states the configured limit, however many creations were still in flight.
        Assert.All(replies.Where(r => r.GetProperty("code").GetInt32() != 0).Select(Envelope.Refusal), reason => Assert.Equal("a user can create at most 5 rooms", reason));
        Assert.Equal(5, Envelope.Rows(await owner.PostAsync("/contact/loadcommunity")).Length);
    }

    [Fact]
    public async Task Joined_rooms_do_not_count_against_the_creation_limit()
    {
        using var owner = await fixture.Host.NewUserAsync();
        using var joiner = await fixture.Host.NewUserAsync();
        for (var i = 1; i <= 5; i++)
        {
            var room = Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "owned" + i)));
            Envelope.Data(await joiner.PostAsync("/contact/joincommunity", ("dstid", room.GetProperty("id").GetInt64().Text())));
        }
        Envelope.Data(await joiner.PostAsync("/contact/createcommunity", ("name", "joiners-own")));
        Assert.Equal(6, Envelope.Rows(await joiner.PostAsync("/contact/loadcommunity")).Length);
    }

    [Theory]
    [InlineData("/contact/joincommunity", "/contact/loadcommunity")]
    [InlineData("/user/joincommunity", "/contact/community")]
    public async Task Joining_a_room_lists_it_for_the_member(string joinPath, string listPath)
    {
        using var owner = await fixture.Host.NewUserAsync();
        using var member = await fixture.Host.NewUserAsync();
        var roomId = Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "Nebuchadnezzar"))).GetProperty("id").GetInt64();

        var joined = Envelope.Data(await member.PostAsync(joinPath, ("userid", member.UserId.Text()), ("dstid", roomId.Text())));
        Assert.Equal(roomId, joined.GetProperty("id").GetInt64());
        Assert.Equal("Nebuchadnezzar", joined.GetProperty("name").GetString());
        Assert.Equal(owner.UserId, joined.GetProperty("ownerid").GetInt64());

        var listed = Assert.Single(Envelope.Rows(await member.PostAsync(listPath, ("userid", member.UserId.Text()))));
        Assert.Equal(roomId, listed.GetProperty("id").GetInt64());
        Assert.Equal("Nebuchadnezzar", listed.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Joining_twice_is_accepted_and_lists_the_room_once()
    {
        using var owner = await fixture.Host.NewUserAsync();
        using var member = await fixture.Host.NewUserAsync();
        var roomId = Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "twice"))).GetProperty("id").GetInt64();

        Envelope.Data(await member.PostAsync("/contact/joincommunity", ("dstid", roomId.Text())));
        var again = Envelope.Data(await member.PostAsync("/user/joincommunity", ("dstid", roomId.Text())));
        Assert.Equal(roomId, again.GetProperty("id").GetInt64());
        var ownerJoins = Envelope.Data(await owner.PostAsync("/contact/joincommunity", ("dstid", roomId.Text())));
        Assert.Equal(roomId, ownerJoins.GetProperty("id").GetInt64());

        Assert.Equal(roomId, Assert.Single(Envelope.Rows(await member.PostAsync("/contact/loadcommunity"))).GetProperty("id").GetInt64());
        Assert.Equal(roomId, Assert.Single(Envelope.Rows(await owner.PostAsync("/contact/community"))).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Concurrent_joins_list_the_room_once()
    {
        using var owner = await fixture.Host.NewUserAsync();
        using var member = await fixture.Host.NewUserAsync();
        var roomId = Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "rush"))).GetProperty("id").GetInt64();

        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => member.PostAsync("/contact/joincommunity", ("dstid", roomId.Text()))));
        foreach (var reply in replies) Assert.Equal(roomId, Envelope.Data(reply).GetProperty("id").GetInt64());
        Assert.Equal(roomId, Assert.Single(Envelope.Rows(await member.PostAsync("/contact/loadcommunity"))).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Joining_an_unknown_room_is_refused_and_lists_nothing()
    {
        using var member = await fixture.Host.NewUserAsync();
        var unknown = Envelope.MaxSafeId - 11;
        Envelope.RefusedWith(await member.PostAsync("/contact/joincommunity", ("dstid", unknown.Text())), "does not exist");
        Assert.Empty(Envelope.Rows(await member.PostAsync("/contact/loadcommunity")));
    }

    [Theory]
    [InlineData("zion")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1e3")]
    public async Task A_dstid_that_is_not_a_room_id_is_refused(string dstid)
    {
        using var member = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await member.PostAsync("/contact/joincommunity", ("dstid", dstid)), "dstid must be a positive whole number");
    }

    [Fact]
    public async Task A_missing_dstid_is_refused()
    {
        using var member = await fixture.Host.NewUserAsync();
        Envelope.RefusedWith(await member.PostAsync("/contact/joincommunity"), "dstid is required");
    }

    [Theory]
    [InlineData("/contact/loadcommunity")]
    [InlineData("/contact/community")]
    public async Task A_user_in_no_room_gets_an_empty_list(string path)
    {
        using var loner = await fixture.Host.NewUserAsync();
        var envelope = await loner.PostAsync(path, ("userid", loner.UserId.Text()));
        Assert.Empty(Envelope.Rows(envelope));
        Assert.Equal(0, envelope.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Another_users_rooms_do_not_appear_in_my_list()
    {
        using var owner = await fixture.Host.NewUserAsync();
        using var stranger = await fixture.Host.NewUserAsync();
        Envelope.Data(await owner.PostAsync("/contact/createcommunity", ("name", "private")));
        Assert.Empty(Envelope.Rows(await stranger.PostAsync("/contact/loadcommunity")));
    }
}
