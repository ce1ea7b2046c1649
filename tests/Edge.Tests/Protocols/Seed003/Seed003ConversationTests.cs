namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using AkkaChat.Edge.Tests.V2;
using Google.Protobuf;
using static AkkaChat.Edge.Tests.Protocols.Seed003.Seed003Steps;

/// <summary>sync paging, unread counts and the conversation list.</summary>
public sealed class Seed003ConversationTests(Seed003HostFixture fixture) : IClassFixture<Seed003HostFixture>
{
    private ChatHost Node => fixture.Host;

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task Sync_pages_newest_first_by_offset_and_limit(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync();
        using var bob = await Node.NewUserAsync();
        using var carol = await Node.NewUserAsync();
        await ann.BefriendAsync(bob);
        await ann.BefriendAsync(carol);
        await using var annClient = await Node.SignedAsync(transport, ann);
        await using var bobClient = await Node.SignedAsync(transport, bob);
        for (var i = 1; i <= 20; i++)
        {
            await annClient.SendTextAsync(User, bob.UserId, $"m{i}");
            if (i % 5 == 0) await annClient.SendTextAsync(User, carol.UserId, $"other {i}"); // another conversation in ann's inbox
        }

        static string[] Texts(SyncResp page) => [.. page.Messages.Select(m => m.MessageBody.MessageContent.Text.Text_)];
        string[] Expected(int from, int count) => [.. Enumerable.Range(0, count).Select(k => $"m{from - k}")];

        var first = await bobClient.SyncAsync(ann.UserId, User, limit: 0);
        Assert.Equal(Expected(20, 15), Texts(first)); // limit 0: 15, newest first
        Assert.Equal(first.Messages.Select(m => m.Id).OrderByDescending(id => id), first.Messages.Select(m => m.Id));
        Assert.Equal(Expected(5, 5), Texts(await bobClient.SyncAsync(ann.UserId, User, limit: 15, offset: 15)));
        Assert.Equal(Expected(20, 20), Texts(await bobClient.SyncAsync(ann.UserId, User, limit: 1000))); // over 100: 100
        Assert.Empty((await bobClient.SyncAsync(ann.UserId, User, offset: 20)).Messages); // past the end
        Assert.Equal(Expected(13, 3), Texts(await annClient.SyncAsync(bob.UserId, User, limit: 3, offset: 7))); // the sender's copies, carol's left out

        foreach (var (limit, offset) in new[] { (-1L, 0L), (15L, -1L) })
        {
            await bobClient.SendAsync(new Input { Type = Seed003Types.Sync, Data = new SyncReq { ConversationId = ann.UserId, ReceiverType = User, Limit = limit, Offset = offset }.ToByteString() });
            await bobClient.ExpectAsync(Seed003Types.Sync, Seed003Codes.Refused);
        }
        await bobClient.SendAsync(new Input { Type = Seed003Types.Sync, Data = new SyncReq { ConversationId = ann.UserId, ReceiverType = 3 }.ToByteString() });
        await bobClient.ExpectAsync(Seed003Types.Sync, Seed003Codes.Refused);
    }

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task Unread_counts_rise_with_messages_and_clear_with_messageread_and_sync(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync("ann");
        using var bob = await Node.NewUserAsync("bob");
        await ann.BefriendAsync(bob);
        var room = await ann.CreateRoomAsync("club");
        await bob.JoinRoomAsync(room);
        await using var annClient = await Node.SignedAsync(transport, ann);
        await using var bobClient = await Node.SignedAsync(transport, bob);

        for (var i = 1; i <= 3; i++) await annClient.SendTextAsync(User, bob.UserId, $"direct {i}");
        for (var i = 1; i <= 4; i++) await annClient.SendTextAsync(Group, room, $"group {i}");
        var pushes = new List<MessageItem>();
        for (var i = 0; i < 7; i++) pushes.Add(await bobClient.NextPushAsync());

        async Task<(long Direct, long Group)> UnreadAsync(Seed003Client client, long? peer = null)
        {
            var list = (await client.ConversationsAsync()).Conversation;
            var direct = list.SingleOrDefault(c => c.ReceiverType == User && c.Id == (peer ?? ann.UserId));
            var group = list.SingleOrDefault(c => c.ReceiverType == Group && c.Id == room);
            Assert.True(direct is not null && group is not null, $"both conversations are listed: {string.Join(", ", list)}");
            return (direct.ReceiveNum, group.ReceiveNum);
        }

        Assert.Equal((3, 4), await UnreadAsync(bobClient));
        Assert.Equal((0, 0), await UnreadAsync(annClient, bob.UserId)); // sending reads the conversation

        Task BecomesAsync((long, long) expected, string what) =>
            Until.TrueAsync(async () => await UnreadAsync(bobClient) == expected, TimeSpan.FromSeconds(10), what, TimeSpan.FromMilliseconds(100));

        await bobClient.MessageReadAsync(pushes[1].Id); // direct 2: it and direct 1 are read
        await bobClient.MessageReadAsync(pushes[4].Id); // group 2
        await BecomesAsync((1, 2), "messageread clears up to the message read"); // no reply: the unread counts show it

        Assert.Equal(3, (await bobClient.SyncAsync(ann.UserId, User)).Messages.Count);
        Assert.Equal(2, (await bobClient.SyncAsync(room, Group, limit: 2)).Messages.Count);
        await BecomesAsync((0, 0), "sync reads the conversation up to its newest message, whatever page it returned");

        await annClient.SendTextAsync(User, bob.UserId, "one more");
        await bobClient.NextPushAsync();
        await BecomesAsync((1, 0), "a new message is unread");
    }

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task The_conversation_list_puts_pinned_first_then_the_latest(Seed003Transport transport)
    {
        using var me = await Node.NewUserAsync("me");
        using var ann = await Node.NewUserAsync("ann");
        using var bob = await Node.NewUserAsync("bob");
        using var quiet = await Node.NewUserAsync("quiet");
        await me.BefriendAsync(ann);
        await me.BefriendAsync(bob);
        await me.BefriendAsync(quiet); // a friend with no message is not a conversation
        var room = await ann.CreateRoomAsync("club");
        await me.JoinRoomAsync(room);
        await using var meClient = await Node.SignedAsync(transport, me);
        await using var annClient = await Node.SignedAsync(transport, ann);
        await using var bobClient = await Node.SignedAsync(transport, bob);

        await annClient.SendTextAsync(User, me.UserId, "from ann");
        await annClient.SendTextAsync(Group, room, "in the club");
        await bobClient.SendTextAsync(User, me.UserId, "from bob");

        var list = (await meClient.ConversationsAsync()).Conversation;
        Assert.Equal([(User, bob.UserId), (Group, room), (User, ann.UserId)], list.Select(c => (c.ReceiverType, c.Id)));
        var bobItem = list[0];
        Assert.Equal("bob", bobItem.Username);
        Assert.Equal("from bob", bobItem.Messagenewcontent);
        Assert.Equal("bob", bobItem.SenderName);
        Assert.Equal(me.UserId, bobItem.SenderId);
        Assert.Equal(bob.UserId, bobItem.ReceiverId);
        Assert.Equal((1, 1), (bobItem.Top, bobItem.Disturb));
        Assert.InRange(bobItem.UpdateTime, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.Equal("club", list[1].Username);
        Assert.Equal("ann", list[1].SenderName);

        // Pin and mute are v2's flags.
        await using (var v2 = await me.ConnectSyncedV2Async())
        {
            await v2.SendJsonAsync(new { type = "flags", conv = $"u{ann.UserId}", pinned = true, muted = true });
            await v2.ReceiveUntilAsync("flags");
        }
        list = (await meClient.ConversationsAsync()).Conversation;
        Assert.Equal([ann.UserId, bob.UserId, room], list.Select(c => c.Id));
        Assert.Equal((2, 2), (list[0].Top, list[0].Disturb));

        Assert.Equal([bob.UserId], (await meClient.ConversationsAsync(limit: 1, offset: 1)).Conversation.Select(c => c.Id));
        Assert.Empty((await meClient.ConversationsAsync(offset: 3)).Conversation);
        await meClient.SendAsync(new Input { Type = Seed003Types.ConversationList, Data = new ConversationReq { Limit = -1 }.ToByteString() });
        await meClient.ExpectAsync(Seed003Types.ConversationList, Seed003Codes.Refused);
    }
}
