namespace AkkaChat.Core.Users;

using Akka.Actor;
using static AkkaChat.Core.Users.InspectionCommands;
using static AkkaChat.Core.Users.InspectionReplies;

/// <summary>Answers an operator's inspection from the entity's state and live sockets.</summary>
public sealed partial class UserEntity
{
    private void RegisterInspectionCommands() =>
        Command<InspectUser>(_ => Sender.Tell(new UserInspected(
            _state.Id, _state.Exists, _state.InboxSeq, Math.Max(_deliveredThrough, _state.DeliveredThrough), LastSequenceNr,
            _connections.Count, _state.Rooms.Count, _state.Friends.Count)));
}
