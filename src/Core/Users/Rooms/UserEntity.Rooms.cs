namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>
/// Rooms: creating (a room id is leased first), joining, and this user's half of leaving and of ownership moves.
/// Open sockets hear of a membership change at once.
/// </summary>
public sealed partial class UserEntity
{
    private static readonly TimeSpan RoomIdLeaseTimeout = TimeSpan.FromSeconds(10);

    private int _roomIdsInFlight;

    private void RegisterRoomCommands()
    {
        Command<CreateRoom>(HandleCreateRoom);
        Command<RoomIdLeased>(leased =>
        {
            _roomIdsInFlight--;
            Execute(State.Decide(leased, DateTimeOffset.UtcNow), leased.ReplyTo);
        });
        Command<RoomIdNotLeased>(failed =>
        {
            _roomIdsInFlight--;
            Execute(UserState.Decide(failed), failed.ReplyTo);
        });
        Command<JoinRoom>(c => Execute(State.Decide(c), Sender));
        Command<ListRooms>(c => Execute(State.Decide(c), Sender));
        Command<RoomReplies.MembershipConfirmed>(c =>
        {
            var decision = State.Decide(c);
            Execute(decision, Sender, decision.Events.Count == 0 ? null : () => PushToAll(new RoomMembershipAdded(c.Room.Id, c.Mark)));
        });
        Command<RoomReplies.RoomNotFound>(c => Execute(State.Decide(c), Sender));
        Command<UnlinkRoom>(c =>
        {
            var decision = State.Decide(c);
            Execute(decision, Sender, decision.Events.Count == 0 ? null : () => PushToAll(new RoomMembershipRemoved(c.RoomId)));
        });
        Command<SetRoomOwnership>(c => Execute(State.Decide(c), Sender));
    }

    private void HandleCreateRoom(CreateRoom cmd)
    {
        var decision = State.Decide(cmd, _roomIdsInFlight);
        if (decision.IsRefusal)
        {
            Execute(decision, Sender);
            return;
        }
        _roomIdsInFlight++;
        var replyTo = Sender;
        var fields = cmd.Fields;
        Topology.RoomIds.Ask<IdLeased>(NextId.Instance, RoomIdLeaseTimeout)
            .PipeTo(Self, success: leased => new RoomIdLeased(new RoomId(leased.Id), fields, replyTo), failure: _ => new RoomIdNotLeased(replyTo));
    }
}
