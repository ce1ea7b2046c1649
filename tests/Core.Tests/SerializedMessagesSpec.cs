namespace AkkaChat.Core.Tests;

using Akka.Actor;
using Akka.Configuration;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using Xunit.Abstractions;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>
/// Entities with every message serialized and read back on each send (<c>serialize-messages</c>), as if every hop
/// crossed nodes: registration, friends, a 1:1 message, a room message and the conversation list still work, so each
/// message they use survives its serializer (Akka's JSON would fail on the first <c>IReadOnlyList&lt;UserId&gt;</c>).
/// </summary>
public sealed class SerializedMessagesSpec(ITestOutputHelper output)
    : ChatActorSpec(output, ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.actor.serialize-creators = off
        """))
{
    [Fact]
    public void Friends_a_direct_message_a_room_message_and_the_conversation_list_survive_serialization()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);
        Assert.Equal([bob], FriendsOf(chat, alice));
        var (aliceSocket, _) = Connect(chat, alice);
        var (bobSocket, _) = Connect(chat, bob);

        chat.Users.Tell(new SendDirect(alice, bob, Samples.Text("hello bob"), 42, aliceSocket.Ref, "c-1"));
        Assert.Equal(Samples.Text("hello bob"), bobSocket.ExpectMsg<PushDirect>(Timeout).Message.Payload);
        Assert.Equal(42, aliceSocket.ExpectMsg<DirectAccepted>(Timeout).ReplyTag);

        var room = CreateRoom(chat, alice, "lobby");
        JoinRoom(chat, bob, room.Id);
        bobSocket.ExpectMsg<RoomMembershipAdded>(Timeout);
        Assert.Equal([room.Id], RoomsOf(chat, bob));
        // A node's fan-out subscribes to the room, as the node of a member's socket does; the room publishes only to it.
        var node = CreateTestProbe();
        SubscribeNode(chat, room.Id, node);
        chat.Rooms.Tell(new SendRoomMessage(room.Id, bob, Samples.Text("hello room"), 7, bobSocket.Ref, "c-2"));
        Assert.Equal(7, bobSocket.ExpectMsg<RoomAccepted>(Timeout).ReplyTag);
        var published = (RoomMessagePublished)node.FishForMessage(m => m is RoomMessagePublished, Timeout);
        Assert.Equal(Samples.Text("hello room"), published.Message.Payload);

        var members = Query<MembershipReplies.MemberList>(chat.Rooms, new MembershipCommands.ListMembers(room.Id, bob));
        Assert.Equal([alice, bob], members.Members);
        var conversations = Query<ConversationReplies.ConversationsState>(chat.Users, new ConversationCommands.GetConversations(bob));
        Assert.Equal([alice], conversations.Peers.Select(p => p.Peer));
        Assert.Equal("hello bob", conversations.Peers[0].Last?.Payload.Content);
        Assert.Equal([room.Id], conversations.Rooms.Select(r => r.Room));
    }
}
