namespace AkkaChat.Edge.Sockets;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Rooms.RoomFanoutCommands;

/// <summary>
/// A room message for every local socket subscribed to the room, encoded at most once per protocol on this node
/// (lazily: a protocol no local socket speaks is never encoded).
/// </summary>
public sealed class RoomFrame(RoomMessage message, IActorRef? origin) : INoSerializationVerificationNeeded
{
    private readonly Lazy<byte[]> _legacy = new(() => LegacyFrames.EncodeRoom(message));
    private readonly Lazy<byte[]> _v2 = new(() => Sockets.V2.FramesV2.EncodeRoom(message));

    public RoomMessage Message => message;
    public IActorRef? Origin => origin;
    public byte[] Legacy => _legacy.Value;
    public ReadOnlyMemory<byte> Version2 => _v2.Value;
}

/// <summary>
/// One per node: receives each stored room message once (not once per member), encodes it once,
/// and hands the same bytes to every local socket whose user is in the room. It also knows which users have
/// sockets on this node, so presence and typing reach only the user entities of people who can see them.
/// </summary>
public sealed class RoomFanoutActor : ReceiveActor
{
    private readonly IActorRef _users;
    private readonly Dictionary<RoomId, HashSet<IActorRef>> _subscribers = [];
    private readonly Dictionary<IActorRef, HashSet<RoomId>> _roomsOf = [];
    private readonly Dictionary<IActorRef, UserId> _userOf = [];
    private readonly Dictionary<UserId, int> _localSockets = [];

    public RoomFanoutActor(IActorRef users)
    {
        _users = users;
        Receive<SubscribeUser>(s =>
        {
            if (_userOf.ContainsKey(s.Connection)) return;
            Watch(s.Connection);
            _userOf[s.Connection] = s.UserId;
            _localSockets[s.UserId] = _localSockets.GetValueOrDefault(s.UserId) + 1;
        });
        Receive<PresencePublished>(p =>
        {
            foreach (var friend in p.Friends)
            {
                if (_localSockets.ContainsKey(friend)) _users.Tell(new ConversationCommands.DeliverPresence(friend, p.UserId, p.Online));
            }
        });
        Receive<TypingPublished>(t =>
        {
            if (_localSockets.ContainsKey(t.To)) _users.Tell(new ConversationCommands.DeliverTyping(t.To, t.From));
        });
        Receive<SubscribeRoom>(s =>
        {
            if (!_roomsOf.TryGetValue(s.Connection, out var rooms))
            {
                _roomsOf[s.Connection] = rooms = [];
                Watch(s.Connection);
            }
            rooms.Add(s.RoomId);
            if (!_subscribers.TryGetValue(s.RoomId, out var connections)) _subscribers[s.RoomId] = connections = [];
            connections.Add(s.Connection);
        });
        Receive<UnsubscribeAll>(u => Remove(u.Connection));
        Receive<UnsubscribeRoom>(u =>
        {
            if (_roomsOf.TryGetValue(u.Connection, out var rooms)) rooms.Remove(u.RoomId);
            if (_subscribers.TryGetValue(u.RoomId, out var connections) && connections.Remove(u.Connection) && connections.Count == 0)
                _subscribers.Remove(u.RoomId);
        });
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<RoomMessagePublished>(p =>
        {
            if (!_subscribers.TryGetValue(p.Message.RoomId, out var connections)) return;
            var frame = new RoomFrame(p.Message, p.Origin);
            foreach (var connection in connections) connection.Tell(frame);
        });
        Receive<RoomRecallPublished>(p => Forward(p.RoomId, p));
        Receive<RoomTypingPublished>(p => Forward(p.RoomId, p));
    }

    /// <summary>Ephemeral room notices go to the room's local sockets as they are; each socket encodes its own protocol.</summary>
    private void Forward(RoomId room, object notice)
    {
        if (!_subscribers.TryGetValue(room, out var connections)) return;
        foreach (var connection in connections) connection.Tell(notice);
    }

    private void Watch(IActorRef connection)
    {
        if (!_roomsOf.ContainsKey(connection) && !_userOf.ContainsKey(connection)) Context.Watch(connection);
    }

    private void Remove(IActorRef connection)
    {
        var hadRooms = _roomsOf.Remove(connection, out var rooms);
        var hadUser = _userOf.Remove(connection, out var user);
        if (!hadRooms && !hadUser) return;
        Context.Unwatch(connection);
        foreach (var room in rooms ?? [])
        {
            if (_subscribers.TryGetValue(room, out var connections) && connections.Remove(connection) && connections.Count == 0)
                _subscribers.Remove(room);
        }
        if (hadUser && (_localSockets[user] -= 1) == 0) _localSockets.Remove(user);
    }
}
