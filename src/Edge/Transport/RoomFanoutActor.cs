namespace AkkaChat.Edge.Transport;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Protocols;
using static AkkaChat.Core.Rooms.NodeSubscriptionCommands;
using static AkkaChat.Core.Rooms.NodeSubscriptionReplies;
using static AkkaChat.Core.Rooms.RoomFanoutCommands;

/// <summary>
/// One per node: subscribes the node with a room entity while local sockets want the room (one request in flight per
/// room, retried until answered), receives each stored room message once, encodes it once, and hands the same bytes to
/// every local socket in the room. A socket is told <see cref="RoomLive"/> once the room has the node subscribed. It also
/// knows which users have sockets on this node, so a user's first-socket presence reaches only the entities of friends
/// who can see it.
/// </summary>
public sealed class RoomFanoutActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RequestRetry = TimeSpan.FromSeconds(3);

    private readonly IActorRef _users;
    private readonly IActorRef _rooms;
    private readonly string _node;
    private readonly Dictionary<RoomId, RoomSubscription> _subscriptions = [];
    private readonly Dictionary<IActorRef, HashSet<RoomId>> _roomsOf = [];
    private readonly Dictionary<IActorRef, UserId> _userOf = [];
    private readonly Dictionary<UserId, int> _localSockets = [];
    private long _lastRequest;
    private long _roomMessagesReceived;

    /// <param name="users">The user shard region.</param>
    /// <param name="rooms">The room shard region: subscriptions go through it, so they reach the room wherever it lives.</param>
    /// <param name="node">This node's cluster address, by which a room tells the nodes' answers to its roll call apart.</param>
    public RoomFanoutActor(IActorRef users, IActorRef rooms, Address node)
    {
        _users = users;
        _rooms = rooms;
        _node = node.ToString();
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
        Receive<SubscribeRoom>(s => Join(s.RoomId, s.Connection));
        Receive<UnsubscribeAll>(u => Remove(u.Connection));
        Receive<UnsubscribeRoom>(u =>
        {
            if (_roomsOf.TryGetValue(u.Connection, out var rooms)) rooms.Remove(u.RoomId);
            Leave(u.RoomId, u.Connection);
        });
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<NodeSubscriptionSet>(OnSubscriptionSet);
        Receive<RetryRequest>(r =>
        {
            if (_subscriptions.TryGetValue(r.RoomId, out var subscription) && subscription.Request == r.Request)
                Ask(r.RoomId, subscription, subscription.Sockets.Count > 0);
        });
        Receive<RollCall>(OnRollCall);
        Receive<RoomMessagePublished>(p =>
        {
            _roomMessagesReceived++;
            if (!_subscriptions.TryGetValue(p.Message.RoomId, out var subscription) || subscription.Sockets.Count == 0) return;
            subscription.Head = Math.Max(subscription.Head, p.Message.Seq);
            var frame = new RoomFrame(p.Message, p.Origin);
            foreach (var connection in subscription.Sockets) connection.Tell(frame);
        });
        Receive<RoomRecallPublished>(p => Forward(p.RoomId, p));
        Receive<RoomTypingPublished>(p => Forward(p.RoomId, p));
        Receive<GetFanoutStats>(_ => Sender.Tell(new FanoutStats(_roomMessagesReceived, _subscriptions.Count(s => s.Value.Sockets.Count > 0))));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void Join(RoomId room, IActorRef connection)
    {
        if (!_roomsOf.TryGetValue(connection, out var rooms))
        {
            Watch(connection);
            _roomsOf[connection] = rooms = [];
        }
        rooms.Add(room);
        if (!_subscriptions.TryGetValue(room, out var subscription)) _subscriptions[room] = subscription = new RoomSubscription();
        if (!subscription.Sockets.Add(connection)) return;
        if (subscription.Live) connection.Tell(new RoomLive(room, subscription.Head));
        else if (subscription.Request == 0) Ask(room, subscription, subscribed: true);
        // else: the answer to the request in flight decides (an unsubscription is followed by a new subscription)
    }

    private void Leave(RoomId room, IActorRef connection)
    {
        if (!_subscriptions.TryGetValue(room, out var subscription) || !subscription.Sockets.Remove(connection) || subscription.Sockets.Count > 0) return;
        subscription.Live = false;
        if (subscription.Request == 0) Ask(room, subscription, subscribed: false);
    }

    private void Ask(RoomId room, RoomSubscription subscription, bool subscribed, long rollCall = 0)
    {
        subscription.Request = ++_lastRequest;
        _rooms.Tell(new SetNodeSubscription(room, _node, Self, subscribed, subscription.Request, rollCall));
        Timers.StartSingleTimer((nameof(RetryRequest), room), new RetryRequest(room, subscription.Request), RequestRetry);
    }

    private void OnSubscriptionSet(NodeSubscriptionSet set)
    {
        if (!_subscriptions.TryGetValue(set.RoomId, out var subscription) || subscription.Request != set.Request) return; // superseded
        subscription.Request = 0;
        Timers.Cancel((nameof(RetryRequest), set.RoomId));
        var wanted = subscription.Sockets.Count > 0;
        if (set.Subscribed && wanted)
        {
            subscription.Live = true;
            subscription.Head = Math.Max(subscription.Head, set.Head);
            var live = new RoomLive(set.RoomId, set.Head);
            foreach (var connection in subscription.Sockets) connection.Tell(live);
        }
        else if (set.Subscribed != wanted) Ask(set.RoomId, subscription, wanted);
        else _subscriptions.Remove(set.RoomId);
    }

    /// <summary>A room entity started and asks who has sockets for it; a node with none answers too, so it stops getting everything.</summary>
    private void OnRollCall(RollCall call)
    {
        if (_subscriptions.TryGetValue(call.RoomId, out var subscription))
        {
            Ask(call.RoomId, subscription, subscription.Sockets.Count > 0, call.Call);
            return;
        }
        _rooms.Tell(new SetNodeSubscription(call.RoomId, _node, Self, Subscribed: false, ++_lastRequest, call.Call)); // the room calls again if this is lost
    }

    /// <summary>Ephemeral room notices go to the room's local sockets as they are; each socket encodes its own protocol.</summary>
    private void Forward(RoomId room, object notice)
    {
        if (!_subscriptions.TryGetValue(room, out var subscription)) return;
        foreach (var connection in subscription.Sockets) connection.Tell(notice);
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
        foreach (var room in rooms ?? []) Leave(room, connection);
        if (hadUser && (_localSockets[user] -= 1) == 0) _localSockets.Remove(user);
    }

    /// <summary>This node's subscription to one room: its local sockets and where the room's answer stands.</summary>
    private sealed class RoomSubscription
    {
        public HashSet<IActorRef> Sockets { get; } = [];

        /// <summary>The room answered a subscription that is still wanted: its messages reach this node.</summary>
        public bool Live { get; set; }

        /// <summary>The request in flight, or 0.</summary>
        public long Request { get; set; }

        /// <summary>The newest sequence number known to reach this node.</summary>
        public long Head { get; set; }
    }

    private sealed record RetryRequest(RoomId RoomId, long Request);
}
