namespace AkkaChat.Core.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Diagnostics;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.ContactReplies;
using static AkkaChat.Core.Users.ConversationCommands;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// The 1:1 inbox. A send is decided by the sender's state, stored in the recipient's inbox first
/// (<see cref="StoreIncomingDirect"/>, pushed to the recipient's sockets), then in the sender's (on
/// <see cref="IncomingDirectStored"/>), and only then acknowledged to the sending socket (<see cref="DirectAccepted"/>).
/// Sends waiting for their recipient are not state. One with a cid is sent to the recipient again every
/// <see cref="ResendAfter"/> until it answers (a copy lost while the recipient's shard moved between nodes; the
/// recipient's (sender, cid) window stores it once); a send the recipient has not confirmed within
/// <see cref="DeliveryTimeout"/> is refused with "timeout". A send without a cid is sent once: its copy could not be
/// told from a second message (no socket sends one: a connection whose protocol carries no cid makes one). A cid send
/// goes to the recipient's entity directly once it has answered one (<see cref="DirectRoutes"/>), through the shard
/// region until then and after that entity stops.
/// </summary>
/// <remarks>
/// The hot path: an accepted send allocates no decision (<see cref="UserState.StoreAtRecipient"/> is shared), and a
/// stored copy allocates one decision and no closure unless another socket or a resend needs to hear of it.
/// </remarks>
public sealed partial class UserEntity
{
    private const int MaxOutgoingInFlight = 10_000;
    private const string ResendTimer = "resend-direct";
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<long, OutgoingDirect> _outgoing = [];
    private readonly DirectRoutes _routes = new();
    private long _nextCorrelation;
    private long _deliveredThrough; // the delivery cursor as the sockets moved it; ahead of the stored one until the last socket closes

    private void RegisterInboxCommands()
    {
        Command<SendDirect>(HandleSendDirect);
        Command<StoreIncomingDirect>(HandleStoreIncoming);
        Command<IncomingDirectStored>(HandleIncomingStored);
        Command<IncomingDirectRefused>(HandleDirectRefused);
        Command<RecallDirect>(c => ExecuteForSockets(State.Decide(c, DateTimeOffset.UtcNow), c.Origin));
        Command<RecallIncoming>(c => ExecuteForSockets(State.Decide(c, DateTimeOffset.UtcNow), ActorRefs.Nobody));
        Command<ResendOutgoing>(_ => ResendOrExpireOutgoing());
    }

    /// <summary>
    /// The 1:1 path's commands are decided while the entity's earlier writes are in flight (pipelined writes): each
    /// reveals the state only through its decision, answered once stored, and the push of the copy it stored.
    /// </summary>
    protected override bool Pipelines(object command) =>
        command is SendDirect or StoreIncomingDirect or IncomingDirectStored or IncomingDirectRefused;

    private void HandleSendDirect(SendDirect cmd)
    {
        var decision = State.Decide(cmd, busy: _outgoing.Count >= MaxOutgoingInFlight);
        if (!ReferenceEquals(decision, UserState.StoreAtRecipient))
        {
            Execute(decision, cmd.Origin);
            return;
        }
        if (cmd.Cid.Length > 0 && InFlight(cmd.Cid) is { } inFlight)
        {
            inFlight.AddResend(cmd);
            return;
        }
        var correlation = ++_nextCorrelation;
        var store = new StoreIncomingDirect(cmd.RecipientId, State.Id, cmd.Payload, DateTimeOffset.UtcNow, correlation, MessageIds.New(), cmd.Cid);
        var outgoing = new OutgoingDirect(cmd, store);
        _outgoing[correlation] = outgoing;
        SendStore(outgoing);
        if (!Timers.IsTimerActive(ResendTimer)) Timers.StartSingleTimer(ResendTimer, ResendOutgoing.Instance, ResendAfter);
    }

    private void HandleStoreIncoming(StoreIncomingDirect cmd)
    {
        var decision = State.Decide(cmd);
        var stored = decision.SingleEvent as DirectMessageStored; // a new copy; a resend's answer stores nothing
        Execute(decision, Sender, stored is null ? null : () => IncomingStored(stored.Message));
    }

    /// <summary>The incoming copy is stored: pushed to the user's sockets (the message itself: the state may be ahead by then).</summary>
    private void IncomingStored(DirectMessage message)
    {
        ChatMeter.MessageStored(ChatMeter.Direct);
        if (_connections.Count == 0) return;
        var push = new PushDirect(message);
        foreach (var connection in _connections) connection.Tell(push);
    }

    private void HandleIncomingStored(IncomingDirectStored stored)
    {
        if (!_outgoing.Remove(stored.Correlation, out var outgoing)) return;
        if (outgoing.ViaRegion && _routes.AnsweredViaRegion(outgoing.Store.UserId, Sender.Equals(Self) ? null : Sender)) Context.Watch(Sender);
        var send = outgoing.Command;
        var decision = State.Decide(stored, send);
        var accepted = (DirectAccepted)decision.ReplyMessage!;
        var stores = decision.SingleEvent is DirectMessageStored; // a new copy; a resend's answer stores nothing
        var othersHear = (stores && _connections.Count > (_connections.Contains(send.Origin) ? 1 : 0)) || outgoing.Resends is not null;
        Execute(decision, send.Origin, othersHear ? () => OwnCopyStored(outgoing, accepted.Message, stores) : null);
    }

    /// <summary>The user's other sockets get the copy (when it is new); resends of the same cid get the acknowledgement.</summary>
    private void OwnCopyStored(OutgoingDirect outgoing, DirectMessage message, bool isNew)
    {
        var origin = outgoing.Command.Origin;
        if (isNew)
        {
            var push = new PushDirect(message);
            foreach (var connection in _connections)
            {
                if (!connection.Equals(origin)) connection.Tell(push);
            }
        }
        foreach (var resend in outgoing.Resends ?? []) resend.Origin.Tell(new DirectAccepted(resend.ReplyTag, message));
    }

    /// <summary>The recipient refused a 1:1 message: nothing is stored on our side either, and every socket that sent it is told.</summary>
    private void HandleDirectRefused(IncomingDirectRefused refused)
    {
        if (!_outgoing.Remove(refused.Correlation, out var outgoing)) return;
        if (outgoing.ViaRegion) _routes.AnsweredViaRegion(outgoing.Store.UserId, null);
        Execute(UserState.Decide(refused, outgoing.Command), outgoing.Command.Origin);
        foreach (var resend in outgoing.Resends ?? []) Execute(UserState.Decide(refused, resend), resend.Origin);
    }

    /// <summary>Sends that waited <see cref="ResendAfter"/> go to the recipient again, or time out; runs while any is waiting.</summary>
    private void ResendOrExpireOutgoing()
    {
        var now = DateTimeOffset.UtcNow;
        List<OutgoingDirect>? expired = null;
        foreach (var outgoing in _outgoing.Values)
        {
            if (outgoing.Store.At + DeliveryTimeout < now) (expired ??= []).Add(outgoing);
            else if (outgoing.Store.Cid.Length > 0 && outgoing.SentAt + ResendAfter <= now)
            {
                if (_routes.Forget(outgoing.Store.UserId) is { } route) Context.Unwatch(route); // it did not answer: maybe gone
                SendStore(outgoing, viaRegion: true);
                outgoing.SentAt = now;
            }
        }
        foreach (var outgoing in expired ?? [])
        {
            _outgoing.Remove(outgoing.Store.Correlation);
            if (outgoing.ViaRegion) _routes.AnsweredViaRegion(outgoing.Store.UserId, null);
            Execute(UserState.DirectTimedOut(outgoing.Command), outgoing.Command.Origin);
            foreach (var resend in outgoing.Resends ?? []) Execute(UserState.DirectTimedOut(resend), resend.Origin);
        }
        if (_outgoing.Count > 0) Timers.StartSingleTimer(ResendTimer, ResendOutgoing.Instance, ResendAfter);
    }

    /// <summary>
    /// Tells the recipient's entity to store the copy: directly when it has a route and the copy has a cid (a copy without
    /// one is never sent again, so only the region, which buffers for a moving shard, may carry it), else through the region.
    /// </summary>
    private void SendStore(OutgoingDirect outgoing, bool viaRegion = false)
    {
        var store = outgoing.Store;
        if (store.Cid.Length > 0 && !viaRegion && _routes.TryGet(store.UserId, out var entity))
        {
            entity.Tell(store, Self);
            return;
        }
        if (store.Cid.Length > 0 && !outgoing.ViaRegion)
        {
            outgoing.ViaRegion = true;
            _routes.SentViaRegion(store.UserId);
        }
        Send(store);
    }

    /// <summary>
    /// A recipient's entity we told copies directly stopped (hand-off, passivation, its node downed): the copies it has not
    /// answered go again through the region. False when <paramref name="entity"/> was no route.
    /// </summary>
    private bool ForgetRoute(IActorRef entity)
    {
        if (_routes.Forget(entity) is not { } recipient) return false;
        foreach (var outgoing in _outgoing.Values.Where(o => o.Store.UserId == recipient && !o.ViaRegion).OrderBy(o => o.Store.Correlation).ToList())
        {
            SendStore(outgoing, viaRegion: true);
            outgoing.SentAt = DateTimeOffset.UtcNow;
        }
        return true;
    }

    private OutgoingDirect? InFlight(string cid)
    {
        foreach (var outgoing in _outgoing.Values)
        {
            if (outgoing.Command.Cid == cid) return outgoing;
        }
        return null;
    }

    /// <summary>
    /// A send waiting for the recipient's confirmation: the copy sent to the recipient (sent again unchanged), and any
    /// resends of the same cid from the user's sockets that arrived meanwhile.
    /// </summary>
    private sealed class OutgoingDirect(SendDirect command, StoreIncomingDirect store)
    {
        public SendDirect Command { get; } = command;

        public StoreIncomingDirect Store { get; } = store;

        public DateTimeOffset SentAt { get; set; } = store.At;

        /// <summary>Sent through the region at least once (a cid send counts in <see cref="DirectRoutes"/> until answered).</summary>
        public bool ViaRegion { get; set; }

        /// <summary>Null until a resend arrives (rare), so the common send allocates no list.</summary>
        public List<SendDirect>? Resends { get; private set; }

        public void AddResend(SendDirect resend) => (Resends ??= []).Add(resend);
    }

    /// <summary>Time to resend or expire the sends still waiting. Not a tick: a user with sends waiting stays up.</summary>
    private sealed class ResendOutgoing
    {
        public static readonly ResendOutgoing Instance = new();
    }
}
