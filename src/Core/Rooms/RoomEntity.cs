namespace AkkaChat.Core.Rooms;

using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Diagnostics;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Rooms.RoomCommands;
using static AkkaChat.Core.Rooms.RoomEvents;
using static AkkaChat.Core.Rooms.RoomReplies;
using static AkkaChat.Core.Users.ConnectionPushes;

/// <summary>
/// One room: profile, members and its message log. A message is stored once (read-diffusion),
/// acknowledged to the sending socket, then published once to each subscribed node's room fan-out actor
/// (<see cref="NodeSubscriptions"/>), which pushes it to the local sockets of members.
/// </summary>
public sealed partial class RoomEntity : ChatEntity
{
    public const int MaxFetch = 500;

    private readonly IChatTopology _topology;
    private readonly ChatSettings _settings;
    private RoomState _state = RoomState.Empty;

    public RoomEntity(RoomId id, IChatTopology topology, ChatSettings settings)
        : base(settings.EntityIdleTimeout)
    {
        _topology = topology;
        _settings = settings;
        PersistenceId = "room-" + id;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RoomSnapshot s) _state = _state.Apply(s);
        });
        Recover<IChatEvent>(e => _state = _state.Apply(e));

        Command<CreateRoomLog>(cmd =>
        {
            var replyTo = Sender;
            if (_state.Exists)
            {
                replyTo.Tell(new MembershipConfirmed(_state.Profile!, cmd.OwnerId, _state.Seq));
                return;
            }
            PersistAndApply(new RoomCreated(cmd.RoomId, cmd.OwnerId, cmd.Fields, cmd.At),
                () => replyTo.Tell(new MembershipConfirmed(_state.Profile!, cmd.OwnerId, _state.Seq)));
        });
        Command<AddMember>(cmd =>
        {
            var replyTo = Sender;
            if (!_state.Exists)
            {
                replyTo.Tell(new RoomNotFound(cmd.RoomId));
                return;
            }
            if (_state.Members.Contains(cmd.UserId))
            {
                replyTo.Tell(new MembershipConfirmed(_state.Profile!, cmd.UserId, _state.Seq));
                return;
            }
            PersistAndApply(new MemberJoined(cmd.UserId, DateTimeOffset.UtcNow),
                () => replyTo.Tell(new MembershipConfirmed(_state.Profile!, cmd.UserId, _state.Seq)));
        });
        Command<GetRoom>(cmd => Sender.Tell(_state.Exists ? new RoomInfo(_state.Profile!, _state.Members.Count, _state.Seq) { Last = _state.Last, LastRecalled = _state.Last is { } last && _state.IsRecalledSeq(last.Seq) } : new RoomNotFound(cmd.RoomId)));
        Command<SendRoomMessage>(HandleSend);
        Command<FetchRoomMessages>(cmd =>
        {
            if (!_state.Exists) Sender.Tell(new RoomNotFound(cmd.RoomId));
            else if (!_state.Members.Contains(cmd.Member)) Sender.Tell(new RoomRefused(cmd.RoomId, "you are not a member of this room"));
            else Sender.Tell(new RoomMessages(cmd.RoomId, _state.MessagesAfter(cmd.AfterSeq, Math.Clamp(cmd.Max, 1, MaxFetch)), _state.Seq));
        });

        RegisterConversationCommands();
        RegisterMembershipCommands();
        RegisterNodeCommands();

        Command<CheckIdle>(_ =>
        {
            if (IsIdle) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public static Props Props(RoomId id, IChatTopology topology, ChatSettings settings) =>
        Akka.Actor.Props.Create(() => new RoomEntity(id, topology, settings));

    private void HandleSend(SendRoomMessage cmd)
    {
        var refusal = _state.RefuseMessage(cmd.SenderId, cmd.Payload);
        if (refusal is { } refused)
        {
            cmd.Origin.Tell(new ChatRefused(cmd.ClientRef, refused.Code, refused.Reason, cmd.Cid));
            return;
        }
        if (_state.Resent(cmd.SenderId, cmd.Cid) is { } stored)
        {
            cmd.Origin.Tell(new RoomAccepted(cmd.ClientRef, stored));
            return;
        }
        var message = _state.NextMessage(cmd.SenderId, cmd.Payload, DateTimeOffset.UtcNow, cmd.Cid);
        PersistAndApply(new RoomMessageStored(message), () =>
        {
            ChatMeter.MessageStored(ChatMeter.Room);
            cmd.Origin.Tell(new RoomAccepted(cmd.ClientRef, message));
            Publish(new RoomMessagePublished(message, cmd.Origin));
        });
    }

    private void PersistAndApply(IChatEvent e, Action after)
    {
        var started = Stopwatch.GetTimestamp();
        Persist(e, persisted =>
        {
            ChatMeter.CommitObserved(started);
            _state = _state.Apply(persisted);
            after();
            if (SnapshotDue(_settings)) SaveSnapshot(_state.ToSnapshot());
        });
    }
}
