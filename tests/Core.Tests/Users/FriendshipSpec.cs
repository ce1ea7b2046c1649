namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

public sealed class FriendshipSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    [Fact]
    public void Adding_a_friend_records_both_halves()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");

        Assert.Equal(new FriendAdded(alice, bob), Query<FriendAdded>(chat.Users, new AddFriend(alice, bob)));

        Assert.Equal(new[] { bob }, FriendsOf(chat, alice));
        Assert.Equal(new[] { alice }, FriendsOf(chat, bob));
    }

    [Fact]
    public void Adding_a_friend_again_from_either_side_changes_nothing()
    {
        var chat = StartChat();
        var (alice, bob) = AliceAndBobAsFriends(chat);

        Assert.Equal(new FriendAdded(alice, bob), Query<FriendAdded>(chat.Users, new AddFriend(alice, bob)));
        Assert.Equal(new FriendAdded(bob, alice), Query<FriendAdded>(chat.Users, new AddFriend(bob, alice)));

        Assert.Equal(new[] { bob }, FriendsOf(chat, alice));
        Assert.Equal(new[] { alice }, FriendsOf(chat, bob));
    }

    [Fact]
    public void Two_requests_for_the_same_friend_at_once_are_both_answered()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        chat.Users.Tell(new AddFriend(alice, bob), first.Ref);
        chat.Users.Tell(new AddFriend(alice, bob), second.Ref);

        Assert.Equal(new FriendAdded(alice, bob), first.ExpectMsg<FriendAdded>(Timeout));
        Assert.Equal(new FriendAdded(alice, bob), second.ExpectMsg<FriendAdded>(Timeout));
        Assert.Equal(new[] { bob }, FriendsOf(chat, alice));
    }

    [Fact]
    public void Adding_an_unknown_user_is_refused_and_leaves_nothing_behind()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var nobody = new UserId(99_999);

        var refused = Query<Refused>(chat.Users, new AddFriend(alice, nobody));

        Assert.Contains("does not exist", refused.Reason, StringComparison.Ordinal);
        Assert.Empty(FriendsOf(chat, alice));
        Assert.Equal(new Refused(RefusalCodes.NotFound, $"user {nobody} does not exist"), Query<Refused>(chat.Users, new ListFriends(nobody)));
    }

    [Fact]
    public void Adding_yourself_is_refused()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");

        Query<Refused>(chat.Users, new AddFriend(alice, alice));

        Assert.Empty(FriendsOf(chat, alice));
    }

    [Fact]
    public void A_user_who_does_not_exist_cannot_add_friends()
    {
        var chat = StartChat();
        var bob = Register(chat, "13800000002", "bob");

        Query<Refused>(chat.Users, new AddFriend(new UserId(99_999), bob));

        Assert.Empty(FriendsOf(chat, bob));
    }
}
