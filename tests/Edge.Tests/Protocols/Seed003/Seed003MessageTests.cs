namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using AkkaChat.Edge.Protocols.Seed003;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;
using static AkkaChat.Edge.Tests.Protocols.Seed003.Seed003Steps;

/// <summary>sendmessage: stored, answered with the sender's copy, pushed to every other signed connection of both sides; refusals leave the connection open.</summary>
public sealed class Seed003MessageTests(Seed003HostFixture fixture) : IClassFixture<Seed003HostFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);
    private ChatHost Node => fixture.Host;

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task A_direct_message_reaches_the_recipients_devices_and_the_senders_other_device_but_not_the_sending_one(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync("ann");
        using var bob = await Node.NewUserAsync("bob");
        await ann.BefriendAsync(bob);
        await using var annPhone = await Node.SignedAsync(transport, ann, 1);
        await using var annLaptop = await Node.SignedAsync(transport, ann, 2);
        await using var bobPhone = await Node.SignedAsync(transport, bob, 1);
        await using var bobLaptop = await Node.SignedAsync(transport, bob, 2);

        var sent = await annPhone.SendTextAsync(User, bob.UserId, "hello bob");
        Assert.Equal(ann.UserId, sent.SenderId);
        Assert.Equal(bob.UserId, sent.ReceiverId);
        Assert.Equal(bob.UserId, sent.ConversationId);
        Assert.Equal(User, sent.ReceiverType);
        Assert.Equal(2, sent.SenderType);
        Assert.Equal("hello bob", sent.MessageBody.MessageContent.Text.Text_);
        Assert.Equal("hello bob", sent.ConversationMessage);
        Assert.Equal("ann", sent.SenderName);
        Assert.InRange(sent.SendTime, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
        Assert.True(sent.Id > 0);

        foreach (var device in new[] { bobPhone, bobLaptop })
        {
            var pushed = await device.NextPushAsync();
            Assert.Equal("hello bob", pushed.MessageBody.MessageContent.Text.Text_);
            Assert.Equal(ann.UserId, pushed.SenderId);
            Assert.Equal(ann.UserId, pushed.ConversationId); // the recipient's copy: the conversation is the sender
            Assert.Equal("ann", pushed.SenderName);
            Assert.Equal(sent.SendTime, pushed.SendTime);
        }
        var copy = await annLaptop.NextPushAsync();
        Assert.Equal(sent.Id, copy.Id); // the sender's own copy, as the sending device got it
        Assert.Equal(bob.UserId, copy.ConversationId);
        await annPhone.AssertSilentAsync(Quiet);

        // Stored: bob's sync has it, with the id his push carried.
        var synced = await bobPhone.SyncAsync(ann.UserId, User);
        Assert.Equal("hello bob", Assert.Single(synced.Messages).MessageBody.MessageContent.Text.Text_);
    }

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task A_group_message_reaches_the_members_and_the_senders_other_device_but_not_the_sending_one(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync("ann");
        using var bob = await Node.NewUserAsync("bob");
        var room = await ann.CreateRoomAsync("readers");
        await bob.JoinRoomAsync(room);
        await using var annPhone = await Node.SignedAsync(transport, ann, 1);
        await using var annLaptop = await Node.SignedAsync(transport, ann, 2);
        await using var bobPhone = await Node.SignedAsync(transport, bob, 1);

        var sent = await annPhone.SendTextAsync(Group, room, "hello group");
        Assert.Equal(room, sent.ReceiverId);
        Assert.Equal(room, sent.ConversationId);
        Assert.Equal(Group, sent.ReceiverType);
        Assert.True(Seed003Ids.IsRoomMessage(sent.Id, out var inRoom, out var seq));
        Assert.Equal(room, inRoom.Value);
        Assert.Equal(1, seq);

        foreach (var device in new[] { bobPhone, annLaptop })
        {
            var pushed = await device.NextPushAsync();
            Assert.Equal(sent.Id, pushed.Id);
            Assert.Equal("hello group", pushed.MessageBody.MessageContent.Text.Text_);
            Assert.Equal("ann", pushed.SenderName);
        }
        await annPhone.AssertSilentAsync(Quiet);
    }

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task A_body_other_than_text_comes_back_exactly_as_sent(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync();
        using var bob = await Node.NewUserAsync();
        await ann.BefriendAsync(bob);
        await using var annPhone = await Node.SignedAsync(transport, ann);
        await using var bobPhone = await Node.SignedAsync(transport, bob);
        var body = new MessageBody
        {
            MessageType = MessageType.MtFile,
            MessageContent = new MessageContent { File = new AkkaChat.Edge.Protocols.Seed003.Wire.File { Id = 42, Name = "report.pdf", Size = 12345, Url = "/mnt/x.pdf" } },
        };
        await annPhone.SendBodyAsync(User, bob.UserId, body, toUserIds: [bob.UserId], help: 2);
        var sent = MessageItem.Parser.ParseFrom((await annPhone.ExpectAsync(Seed003Types.SendMessage)).Data);
        var pushed = await bobPhone.NextPushAsync();
        var synced = Assert.Single((await bobPhone.SyncAsync(ann.UserId, User)).Messages);
        foreach (var item in new[] { sent, pushed, synced })
        {
            Assert.Equal(body, item.MessageBody);
            Assert.Equal([bob.UserId], item.ToUserIds);
            Assert.Equal(2, item.Help);
            Assert.Equal("[文件]", item.ConversationMessage);
        }
    }

    [Theory]
    [MemberData(nameof(Transports), MemberType = typeof(Seed003Steps))]
    public async Task Refusals_answer_code_2_change_nothing_and_leave_the_connection_open(Seed003Transport transport)
    {
        using var ann = await Node.NewUserAsync();
        using var stranger = await Node.NewUserAsync();
        using var owner = await Node.NewUserAsync();
        var room = await owner.CreateRoomAsync("closed");
        await using var client = await Node.SignedAsync(transport, ann);

        async Task RefusedAsync(string type, Input input)
        {
            await client.SendAsync(input);
            var refused = await client.ExpectAsync(type, Seed003Codes.Refused);
            Assert.False(string.IsNullOrEmpty(refused.Message), $"{type}: a refusal says why");
            await client.HeartbeatAsync();
        }

        Input Send(int receiverType, long receiverId, MessageBody? body) => new()
        {
            Type = Seed003Types.SendMessage,
            Data = new SendMessage { ReceiverType = receiverType, ReceiverId = receiverId, MessageBody = body }.ToByteString(),
        };

        var text = Seed003Client.TextBody("hi");
        await RefusedAsync(Seed003Types.SendMessage, Send(User, 999_999_999, text)); // unknown receiver
        await RefusedAsync(Seed003Types.SendMessage, Send(User, stranger.UserId, text)); // not a friend
        await RefusedAsync(Seed003Types.SendMessage, Send(Group, room, text)); // not a member
        await RefusedAsync(Seed003Types.SendMessage, Send(Group, 999_999, text)); // no such group
        await RefusedAsync(Seed003Types.SendMessage, Send(3, stranger.UserId, text)); // no such receiver type
        await RefusedAsync(Seed003Types.SendMessage, Send(User, stranger.UserId, null)); // no body
        var mismatched = new MessageBody { MessageType = MessageType.MtImage, MessageContent = new MessageContent { Text = new Text { Text_ = "not an image" } } };
        await RefusedAsync(Seed003Types.SendMessage, Send(User, stranger.UserId, mismatched)); // the oneof does not match the type
        await RefusedAsync(Seed003Types.SendMessage, new Input { Type = Seed003Types.SendMessage, Data = ByteString.CopyFrom(0xFF, 0xFF) }); // malformed data
        await RefusedAsync("recall", new Input { Type = "recall" }); // unknown type
        await RefusedAsync(Seed003Types.MessageRead, new Input { Type = Seed003Types.MessageRead, Data = new MessageRead { MessageId = 12345 }.ToByteString() });
        await RefusedAsync(Seed003Types.Sync, new Input { Type = Seed003Types.Sync, Data = new SyncReq { ConversationId = room, ReceiverType = Group }.ToByteString() });

        Assert.Empty((await client.SyncAsync(stranger.UserId, User)).Messages);
        Assert.Empty((await client.ConversationsAsync()).Conversation);
    }
}
