namespace AkkaChat.Core.Users;

using Akka.Actor;
using static AkkaChat.Core.Users.SessionCommands;

/// <summary>Session checks and revocation: the generation lives in the entity, so a check costs no database read while it is active.</summary>
public sealed partial class UserEntity
{
    private void RegisterSessionCommands()
    {
        Command<GetSession>(_ => Sender.Tell(_state.Exists ? CurrentSession() : new UserReplies.UserNotFound(_state.Id)));
        Command<RevokeSessions>(HandleRevokeSessions);
    }

    private void HandleRevokeSessions(RevokeSessions cmd)
    {
        if (!_state.Exists)
        {
            Sender.Tell(new UserReplies.UserNotFound(_state.Id));
            return;
        }
        var replyTo = Sender;
        PersistAndApply(new SessionEvents.SessionsRevoked(_state.SessionGeneration + 1), () =>
        {
            foreach (var connection in _connections) connection.Tell(ConnectionPushes.SessionRevoked.Instance);
            replyTo.Tell(CurrentSession());
        });
    }

    private SessionReplies.CurrentSession CurrentSession() => new(_state.Id, _state.Mobile, _state.SessionStamp, _state.SessionGeneration);
}
