namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.ConversationCommands;
using static AkkaChat.Core.Users.ConversationReplies;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>
/// Sockets: a user's open sockets (watched, never persisted), the marks they report when they close, and what only
/// matters while they are open — presence and typing, which are never stored.
/// </summary>
public sealed partial class UserEntity
{
    private static readonly IReadOnlyDictionary<RoomId, long> NoMarks = new Dictionary<RoomId, long>();

    private readonly HashSet<UserId> _onlineFriends = []; // friends with sockets, learned while this user is online; never persisted

    // Device-identified sockets (seed-003): which one holds each device, and when it signed. Never persisted, like the
    // sockets: after a move every socket registers again with its device and sign time, and the map is rebuilt.
    private readonly Dictionary<long, (IActorRef Connection, DateTimeOffset SignedAt)> _devices = [];

    private void RegisterSocketCommands()
    {
        Command<Connect>(HandleConnect);
        Command<Disconnect>(HandleDisconnect);
        Command<Terminated>(t =>
        {
            if (!ForgetRoute(t.ActorRef) && _connections.Contains(t.ActorRef)) HandleDisconnect(new Disconnect(State.Id, t.ActorRef, NoMarks));
        });

        Command<DeliverTyping>(t =>
        {
            if (_connections.Count == 0) Send(new NoteFriendPresence(t.FromId, State.Id, Online: false)); // they thought us online
            else if (State.Friends.Contains(t.FromId) && !State.Blocked.Contains(t.FromId)) PushToAll(new TypingArrived(ConversationId.With(t.FromId), t.FromId));
        });
        Command<DeliverPresence>(HandleDeliverPresence);
        Command<NoteFriendPresence>(n =>
        {
            // What a socket's presence snapshot is made of: a friend learned online (or offline) this way is pushed too.
            if (NoteOnline(n.FriendId, n.Online) && !State.Blocked.Contains(n.FriendId)) PushToAll(new PresenceArrived(n.FriendId, n.Online));
        });
        Command<SendTyping>(t =>
        {
            if (_onlineFriends.Contains(t.PeerId)) Send(new DeliverTyping(t.PeerId, State.Id));
        });
        Command<GetOnlineFriends>(_ => Sender.Tell(new OnlineFriends(
            [.. _onlineFriends.Where(f => State.Friends.Contains(f) && !State.Blocked.Contains(f)).OrderBy(f => f.Value)])));
    }

    private void HandleConnect(Connect cmd)
    {
        var before = _connections.Count;
        var decision = State.Decide(cmd, before, before + (_connections.Contains(cmd.Connection) ? 0 : 1));
        if (!decision.IsRefusal && _connections.Add(cmd.Connection))
        {
            Context.Watch(cmd.Connection);
            if (_connections.Count == 1) AnnouncePresence(online: true);
        }
        Execute(decision, Sender);
        if (!decision.IsRefusal && cmd.Device != 0) HoldDevice(cmd);
    }

    /// <summary>
    /// One socket per device, the most recently signed: the other one, wherever it is, is told
    /// <see cref="ConnectionPushes.SignedInElsewhere"/> and closes. Decided by sign time rather than by which registers
    /// last, so sockets that register again in any order after this entity moved keep the same one; a tie (two signs in
    /// the same tick, in practice never) goes to the one registering.
    /// </summary>
    private void HoldDevice(Connect cmd)
    {
        if (_devices.TryGetValue(cmd.Device, out var holder))
        {
            if (holder.Connection.Equals(cmd.Connection)) return;
            if (holder.SignedAt > cmd.SignedAt)
            {
                cmd.Connection.Tell(ConnectionPushes.SignedInElsewhere.Instance);
                return;
            }
            holder.Connection.Tell(ConnectionPushes.SignedInElsewhere.Instance);
        }
        _devices[cmd.Device] = (cmd.Connection, cmd.SignedAt);
    }

    /// <summary>A socket is gone: the device it held is free (unless a later-signed socket holds it already).</summary>
    private void ReleaseDevice(IActorRef connection)
    {
        foreach (var (device, holder) in _devices)
        {
            if (!holder.Connection.Equals(connection)) continue;
            _devices.Remove(device);
            return;
        }
    }

    /// <summary>
    /// A socket is gone. Its marks are kept even when its termination was noticed first (the watch can overtake the
    /// socket's own Disconnect), so what it delivered is never delivered again.
    /// </summary>
    private void HandleDisconnect(Disconnect cmd)
    {
        _deliveredThrough = Math.Max(_deliveredThrough, Math.Min(cmd.DeliveredThrough, State.InboxSeq));
        if (_connections.Remove(cmd.Connection))
        {
            Context.Unwatch(cmd.Connection);
            ReleaseDevice(cmd.Connection);
            if (_connections.Count == 0)
            {
                AnnouncePresence(online: false);
                _onlineFriends.Clear(); // presence stops arriving with the last socket: rebuilt from answers on the next
            }
        }
        Execute(State.Decide(cmd, _deliveredThrough, lastSocket: _connections.Count == 0), cmd.AckTo ?? ActorRefs.Nobody);
    }

    private void HandleDeliverPresence(DeliverPresence p)
    {
        if (State.Friends.Contains(p.FriendId) && !State.Blocked.Contains(p.FriendId)) PushToAll(new PresenceArrived(p.FriendId, p.Online));
        NoteOnline(p.FriendId, p.Online);
        // Their first socket: they announced it to every node and do not know who heard; tell them we did.
        if (p.Online && _connections.Count > 0 && State.Friends.Contains(p.FriendId)) Send(new NoteFriendPresence(p.FriendId, State.Id, Online: true));
    }

    /// <summary>
    /// Keeps the friends known to be online while this user is (they hear of this user's changes and typing directly, and
    /// a new socket's presence snapshot is read from it); true when that changed what is known.
    /// </summary>
    private bool NoteOnline(UserId friend, bool online)
    {
        if (!online) return _onlineFriends.Remove(friend);
        return _connections.Count > 0 && State.Friends.Contains(friend) && _onlineFriends.Add(friend);
    }

    /// <summary>
    /// Called when the first socket opens and when the last one closes. Coming online, the entity cannot know which friends
    /// are online without waking the others' entities, so it asks every node's fan-out (which knows its local users) once;
    /// going offline, it tells the friends it learned are online, directly.
    /// </summary>
    private void AnnouncePresence(bool online)
    {
        if (online)
        {
            _onlineFriends.Clear();
            if (State.Friends.Count == 0) return;
            var published = new PresencePublished(State.Id, online, [.. State.Friends]);
            foreach (var node in Topology.NodeFanouts) node.Fanout.Tell(published, ActorRefs.NoSender);
            return;
        }
        foreach (var friend in _onlineFriends) Send(new DeliverPresence(friend, State.Id, Online: false));
        _onlineFriends.Clear();
    }
}
