namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomEvents;

/// <summary>
/// One room: profile, members and its message log. Every command is decided by <see cref="RoomState"/>; the entity
/// persists, replies and publishes. A message is stored once (read-diffusion), acknowledged to the sending socket, then
/// published once to each subscribed node's room fan-out actor (<see cref="NodeSubscriptions"/>), which pushes it to the
/// local sockets of members.
/// </summary>
public sealed partial class RoomEntity : ChatEntity<RoomState>
{
    public RoomEntity(RoomId id, IChatTopology topology, ChatSettings settings)
        : base("room-" + id, RoomState.Empty, topology, settings)
    {
        Command<CreateRoomLog>(cmd => Execute(State.Decide(cmd), Sender));
        Command<AddMember>(cmd => Execute(State.Decide(cmd, DateTimeOffset.UtcNow), Sender));
        Command<GetRoom>(cmd => Execute(State.Decide(cmd), Sender));
        Command<SendRoomMessage>(HandleSend);
        Command<FetchRoomMessages>(cmd => Execute(State.Decide(cmd), Sender));

        RegisterConversationCommands();
        RegisterMembershipCommands();
        RegisterNodeCommands();
    }

    public static Props Props(RoomId id, IChatTopology topology, ChatSettings settings) =>
        Akka.Actor.Props.Create(() => new RoomEntity(id, topology, settings));

    /// <summary>
    /// Room messages are decided while earlier ones are being stored (pipelined writes): a busy room stores everything that
    /// arrived during one commit as the next append instead of one commit per message.
    /// </summary>
    protected override bool Pipelines(object command) => command is SendRoomMessage;

    /// <summary>Only a room that existed before can have subscribers from a previous incarnation: call their roll.</summary>
    protected override void OnRecovered() => StartRollCall();

    private void HandleSend(SendRoomMessage cmd)
    {
        var decision = State.Decide(cmd, DateTimeOffset.UtcNow);
        Execute(decision, cmd.Origin, decision.SingleEvent is RoomMessageStored stored ? Published(stored.Message, cmd.Origin) : null);
    }

    /// <summary>What follows a stored message: counted, then published to the nodes. (A method, so a refusal allocates no closure.)</summary>
    private Action Published(RoomMessage message, IActorRef origin) => () =>
    {
        ChatMeter.MessageStored(ChatMeter.Room);
        Publish(new RoomMessagePublished(message, origin));
    };
}
