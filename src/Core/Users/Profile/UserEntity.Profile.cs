namespace AkkaChat.Core.Users;

using Akka.Actor;
using static AkkaChat.Core.Users.InspectionCommands;
using static AkkaChat.Core.Users.SessionCommands;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>
/// Profile: creation, the profile, sessions (the generation lives in the entity, so a token check costs no database read
/// while it is active) and an operator's inspection.
/// </summary>
public sealed partial class UserEntity
{
    private void RegisterProfileCommands()
    {
        Command<CreateUser>(c => Execute(State.Decide(c), Sender));
        Command<GetProfile>(c => Execute(State.Decide(c), Sender));
        Command<GetSession>(c => Execute(State.Decide(c), Sender));
        Command<RevokeSessions>(c => Execute(State.Decide(c), Sender, () => PushToAll(ConnectionPushes.SessionRevoked.Instance)));
        Command<InspectUser>(_ => Sender.Tell(new InspectionReplies.UserInspected(
            State.Id, State.Exists, State.InboxSeq, Math.Max(_deliveredThrough, State.DeliveredThrough), StoredSequenceNr,
            _connections.Count, State.Rooms.Count, State.Friends.Count)));
    }
}
