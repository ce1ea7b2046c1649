namespace AkkaChat.Core.Rooms;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Rooms.MembershipCommands;
using static AkkaChat.Core.Rooms.MembershipEvents;
using static AkkaChat.Core.Rooms.MembershipReplies;
using static AkkaChat.Core.Rooms.RoomReplies;

/// <summary>
/// Leaving, removal by the owner, ownership transfer and the member list. The room decides and persists the change
/// first (the member is out at once), then has the user entities record their half; the asker is answered once
/// they have. Unconfirmed halves are re-sent after recovery and every few seconds until answered.
/// </summary>
public sealed partial class RoomEntity
{
    private static readonly TimeSpan MembershipRetryInterval = TimeSpan.FromSeconds(3);

    private readonly Dictionary<UserId, List<IActorRef>> _unlinkWaiters = [];
    private readonly List<TransferWaiter> _transferWaiters = [];

    private void RegisterMembershipCommands()
    {
        Command<LeaveRoom>(cmd => StartUnlink(cmd.RoomId, cmd.Member, _state.RefuseLeave(cmd.Member), () => new MemberLeft(cmd.Member, DateTimeOffset.UtcNow)));
        Command<RemoveMember>(cmd => StartUnlink(cmd.RoomId, cmd.Member, _state.RefuseRemoveMember(cmd.OwnerId, cmd.Member), () => new MemberRemoved(cmd.Member, cmd.OwnerId, DateTimeOffset.UtcNow)));
        Command<TransferOwnership>(HandleTransfer);
        Command<ListMembers>(cmd =>
        {
            if (!_state.Exists) Sender.Tell(new RoomNotFound(cmd.RoomId));
            else if (_state.RefuseListMembers(cmd.Requester) is { } refusal) Sender.Tell(new RoomRefused(cmd.RoomId, refusal));
            else Sender.Tell(new MemberList(cmd.RoomId, _state.MemberListing()));
        });
        Command<ContactReplies.RoomUnlinkRecorded>(HandleUnlinkRecorded);
        Command<ContactReplies.RoomOwnershipRecorded>(HandleOwnershipRecorded);
        Command<RetryMembershipLinks>(_ => ResumeMembershipLinks());
    }

    protected override void OnReplaySuccess()
    {
        base.OnReplaySuccess();
        ResumeMembershipLinks();
        StartRollCall();
    }

    /// <summary>Leaving and removal: the member is out of the room once <paramref name="decided"/> is persisted, then their entity records it.</summary>
    private void StartUnlink(RoomId room, UserId member, string? refusal, Func<IMembershipEvent> decided)
    {
        if (!_state.Exists)
        {
            Sender.Tell(new RoomNotFound(room));
            return;
        }
        if (refusal is not null && _state.PendingUnlinks.Contains(member) && !_state.Members.Contains(member))
        {
            // Asked again while the member's entity records the first one: answer both together.
            AddUnlinkWaiter(member, Sender);
            return;
        }
        if (refusal is not null)
        {
            Sender.Tell(new RoomRefused(room, refusal));
            return;
        }
        AddUnlinkWaiter(member, Sender);
        PersistAndApply(decided(), () => _topology.Users.Tell(new ContactCommands.UnlinkRoom(member, room)));
    }

    private void HandleUnlinkRecorded(ContactReplies.RoomUnlinkRecorded recorded)
    {
        var member = recorded.UserId;
        if (!_state.PendingUnlinks.Contains(member))
        {
            ReplyUnlinkWaiters(member);
            return;
        }
        PersistAndApply(new MemberUnlinked(member), () => ReplyUnlinkWaiters(member));
    }

    private void HandleTransfer(TransferOwnership cmd)
    {
        if (!_state.Exists)
        {
            Sender.Tell(new RoomNotFound(cmd.RoomId));
            return;
        }
        if (_state.RefuseTransfer(cmd.OwnerId, cmd.NewOwnerId) is { } refusal)
        {
            Sender.Tell(new RoomRefused(cmd.RoomId, refusal));
            return;
        }
        _transferWaiters.Add(new TransferWaiter(Sender, cmd.OwnerId, cmd.NewOwnerId));
        var room = cmd.RoomId;
        PersistAndApply(new OwnershipTransferred(cmd.OwnerId, cmd.NewOwnerId, DateTimeOffset.UtcNow), () =>
        {
            _topology.Users.Tell(new ContactCommands.SetRoomOwnership(cmd.OwnerId, room, Owned: false));
            _topology.Users.Tell(new ContactCommands.SetRoomOwnership(cmd.NewOwnerId, room, Owned: true));
        });
    }

    private void HandleOwnershipRecorded(ContactReplies.RoomOwnershipRecorded recorded)
    {
        if (_state.PendingOwnership.TryGetValue(recorded.UserId, out var owned) && owned == recorded.Owned)
            PersistAndApply(new OwnershipRecorded(recorded.UserId, recorded.Owned), ReplyTransferWaiters);
        else
            ReplyTransferWaiters();
    }

    private void ReplyTransferWaiters()
    {
        foreach (var waiter in _transferWaiters.Where(w => _state.OwnershipRecordedBy(w.From, w.To)).ToList())
        {
            _transferWaiters.Remove(waiter);
            waiter.ReplyTo.Tell(new OwnershipMoved(_state.Profile!));
        }
    }

    private void AddUnlinkWaiter(UserId member, IActorRef waiter)
    {
        if (!_unlinkWaiters.TryGetValue(member, out var list)) _unlinkWaiters[member] = list = [];
        list.Add(waiter);
    }

    private void ReplyUnlinkWaiters(UserId member)
    {
        if (!_unlinkWaiters.Remove(member, out var waiters)) return;
        var ended = new MembershipEnded(_state.Profile!, member);
        foreach (var waiter in waiters) waiter.Tell(ended);
    }

    private void ResumeMembershipLinks()
    {
        if (!_state.Exists) return;
        var room = _state.Profile!.Id;
        foreach (var member in _state.PendingUnlinks) _topology.Users.Tell(new ContactCommands.UnlinkRoom(member, room));
        foreach (var (user, owned) in _state.PendingOwnership) _topology.Users.Tell(new ContactCommands.SetRoomOwnership(user, room, owned));
        if (_state.PendingUnlinks.Count + _state.PendingOwnership.Count > 0)
            Timers.StartSingleTimer("membership-links", RetryMembershipLinks.Instance, MembershipRetryInterval);
    }

    private sealed record TransferWaiter(IActorRef ReplyTo, UserId From, UserId To);

    private sealed class RetryMembershipLinks
    {
        public static readonly RetryMembershipLinks Instance = new();
    }
}
