namespace AkkaChat.Core.Users;

using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactReplies;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>
/// Friendship: the direct add, friend requests, removal and blocks, and the other user's answers. Every command is the
/// state's decision; the sagas' unconfirmed halves are the state's outstanding commands.
/// </summary>
public sealed partial class UserEntity
{
    private void RegisterFriendshipCommands()
    {
        Command<AddFriend>(c => Execute(State.Decide(c), Sender));
        Command<LinkFriend>(c => Execute(State.Decide(c), Sender));
        Command<UserReplies.FriendLinked>(c => Execute(State.Decide(c), Sender));
        Command<FriendLinkDeclined>(c => Execute(State.Decide(c), Sender));
        Command<ListFriends>(c => Execute(State.Decide(c), Sender));

        Command<SendFriendRequest>(c => Execute(State.Decide(c, DateTimeOffset.UtcNow), Sender));
        Command<DeliverFriendRequest>(c => Execute(State.Decide(c), Sender));
        Command<FriendRequestStored>(c => Execute(State.Decide(c), Sender));
        Command<FriendRequestDeclined>(c => Execute(State.Decide(c), Sender));
        Command<AcceptFriendRequest>(c => Execute(State.Decide(c), Sender));
        Command<RejectFriendRequest>(c => Execute(State.Decide(c), Sender));
        Command<CloseFriendRequest>(c => Execute(State.Decide(c), Sender));
        Command<FriendRequestCloseRecorded>(c => Execute(State.Decide(c), Sender));
        Command<ListFriendRequests>(c => Execute(State.Decide(c), Sender));

        Command<RemoveFriend>(c => Execute(State.Decide(c), Sender));
        Command<UnlinkFriend>(c => Execute(State.Decide(c), Sender));
        Command<FriendUnlinked>(c => Execute(State.Decide(c), Sender));

        Command<BlockUser>(c => Execute(State.Decide(c), Sender));
        Command<UnblockUser>(c => Execute(State.Decide(c), Sender));
        Command<ListBlocked>(c => Execute(State.Decide(c), Sender));
    }
}
