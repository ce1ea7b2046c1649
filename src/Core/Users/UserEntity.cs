namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Ids;

/// <summary>
/// One user: profile, friendship, rooms, the 1:1 inbox, live sockets and conversations, one same-named file per concern.
/// Every command is decided by <see cref="UserState"/> (one <see cref="Decision"/>); this actor persists, applies,
/// replies, sends, and pushes to the user's sockets. Sagas with other entities (friendship, friend requests, room links)
/// are the state's <see cref="UserState.Outstanding"/> commands, which <see cref="ChatEntity{TState}"/> re-sends until
/// confirmed. A 1:1 message is stored in the recipient's inbox first, then in the sender's, and only then acknowledged.
/// </summary>
public sealed partial class UserEntity : ChatEntity<UserState>
{
    private readonly HashSet<IActorRef> _connections = [];

    public UserEntity(UserId id, IChatTopology topology, ChatSettings settings)
        : base("user-" + id, UserState.Empty with { Id = id }, topology, settings)
    {
        RegisterProfileCommands();
        RegisterFriendshipCommands();
        RegisterRoomCommands();
        RegisterInboxCommands();
        RegisterSocketCommands();
        RegisterConversationCommands();
    }

    public static Props Props(UserId id, IChatTopology topology, ChatSettings settings) =>
        Akka.Actor.Props.Create(() => new UserEntity(id, topology, settings));

    /// <summary>Open sockets and 1:1 sends waiting for their recipient keep the entity up; saga waiters are counted by the base.</summary>
    protected override bool HoldsWork => _connections.Count > 0 || _outgoing.Count > 0 || _roomIdsInFlight > 0;

    /// <summary>At hand-off, the sends waiting for their recipient are answered (or time out) before the entity stops.</summary>
    protected override bool FinishesBeforeStop => _outgoing.Count > 0;

    protected override void OnRecovered() => _deliveredThrough = State.DeliveredThrough;

    /// <summary>
    /// Stores the delivery cursor. Whoever waits for a saga step (a friendship, a friend request, a room link) is told
    /// now that it finishes on the entity's next node: the step is stored and sent again from there, and the entity it
    /// waits on may be in the very shard being handed off, so waiting for it would hold the hand-off until it times out.
    /// </summary>
    protected override void BeforeStop()
    {
        AnswerAllWaiters(new Refused(RefusalCodes.Busy, "this user is moving to another node; the request finishes there, ask again to see it done"));
        Execute(State.DecideDeliveredThrough(_deliveredThrough), ActorRefs.Nobody);
    }

    /// <summary>Runs <paramref name="decision"/>; once stored, its reply goes to every socket of the user instead of one asker.</summary>
    private void ExecuteForSockets(Decision decision, IActorRef asker, Action? after = null)
    {
        if (decision.Events.Count == 0)
        {
            Execute(decision, asker, after);
            return;
        }
        Execute(decision, ActorRefs.Nobody, () =>
        {
            PushToAll(decision.ReplyMessage!);
            after?.Invoke();
        });
    }

    private void PushToAll(object push)
    {
        foreach (var connection in _connections) connection.Tell(push);
    }
}
