namespace AkkaChat.Core.Rooms;

using static AkkaChat.Core.Rooms.MembershipCommands;
using static AkkaChat.Core.Users.ContactReplies;

/// <summary>
/// Leaving, removal by the owner, ownership transfer and the member list. The room decides and persists the change
/// first (the member is out at once), then has the user entities record their half; the asker is answered once they
/// have. Unconfirmed halves are the state's outstanding work, re-sent by <see cref="ChatEntity{TState}"/> until answered.
/// </summary>
public sealed partial class RoomEntity
{
    private void RegisterMembershipCommands()
    {
        Command<LeaveRoom>(cmd => Execute(State.Decide(cmd, DateTimeOffset.UtcNow), Sender));
        Command<RemoveMember>(cmd => Execute(State.Decide(cmd, DateTimeOffset.UtcNow), Sender));
        Command<TransferOwnership>(cmd => Execute(State.Decide(cmd, DateTimeOffset.UtcNow), Sender));
        Command<ListMembers>(cmd => Execute(State.Decide(cmd), Sender));
        Command<RoomUnlinkRecorded>(recorded => Execute(State.Decide(recorded), Sender));
        Command<RoomOwnershipRecorded>(recorded => Execute(State.Decide(recorded), Sender));
    }
}
