namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ContactEvents;
using static AkkaChat.Core.Users.ContactReplies;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// Rooms: creating and joining are sagas with the room entity (the link is pending until the room confirms), and this
/// user's half of leaving a room or of an ownership transfer, which the room decides.
/// </summary>
public sealed partial record UserState
{
    public ImmutableSortedSet<RoomId> Rooms { get => _settled.Rooms; init => _settled = _settled with { Rooms = value }; }
    public ImmutableHashSet<RoomId> OwnedRooms { get => _settled.OwnedRooms; init => _settled = _settled with { OwnedRooms = value }; }
    public ImmutableDictionary<RoomId, RoomLinkStarted> PendingRooms { get => _settled.PendingRooms; init => _settled = _settled with { PendingRooms = value }; }

    private sealed partial record Settled
    {
        public ImmutableSortedSet<RoomId> Rooms { get; init; } = ImmutableSortedSet.Create<RoomId>(RoomIdOrder.Instance);
        public ImmutableHashSet<RoomId> OwnedRooms { get; init; } = [];
        public ImmutableDictionary<RoomId, RoomLinkStarted> PendingRooms { get; init; } = ImmutableDictionary<RoomId, RoomLinkStarted>.Empty;
    }

    /// <summary>Rooms this user owns or is creating; the per-user room limit counts both.</summary>
    public int OwnedOrCreatingRooms => OwnedRooms.Count + PendingRooms.Values.Count(p => p.Create is not null);

    /// <summary>Whether this user's entity still has to record leaving <paramref name="room"/> (it knows of the room in any way).</summary>
    public bool HoldsRoom(RoomId room) => Rooms.Contains(room) || OwnedRooms.Contains(room) || RoomMarks.ContainsKey(room);

    public Decision Decide(ListRooms _) => Exists ? Decision.Reply(new RoomList([.. Rooms])) : NotFound();

    /// <summary>
    /// A refusal, or <see cref="Decision.Ignore"/>: go ahead and lease a room id (then <see cref="Decide(RoomIdLeased, DateTimeOffset)"/>).
    /// </summary>
    /// <param name="idsInFlight">Creations whose room id is still being leased; they count against the limit too.</param>
    public Decision Decide(CreateRoom cmd, int idsInFlight)
    {
        if (!Exists) return Refuse($"user {Id} does not exist");
        if (string.IsNullOrWhiteSpace(cmd.Fields.Name)) return Refuse("a room needs a name");
        if (OwnedOrCreatingRooms + idsInFlight >= cmd.MaxOwnedRooms) return Refuse($"a user can create at most {cmd.MaxOwnedRooms} rooms");
        return Decision.Ignore;
    }

    /// <summary>The new room's id is leased: record the intent, then have the room create its log.</summary>
    public Decision Decide(RoomIdLeased leased, DateTimeOffset now)
    {
        var started = new RoomLinkStarted(leased.RoomId, leased.Fields);
        return Decision.Store(started).Await(UserWait.Room(leased.RoomId)).Send(RoomLinkCommand(started, now));
    }

    public static Decision Decide(RoomIdNotLeased _) => Decision.Refuse(RefusalCodes.Busy, "could not allocate a room id, try again");

    public Decision Decide(JoinRoom cmd)
    {
        var room = cmd.RoomId;
        if (!Exists) return Refuse($"user {Id} does not exist");
        if (room.Value <= 0) return Refuse("room id must be a positive number");
        var wait = UserWait.Room(room);
        if (PendingRooms.ContainsKey(room)) return Decision.Ignore.Await(wait);
        // Already a member: the room confirms (idempotently) and the asker gets the room's profile.
        if (Rooms.Contains(room)) return Decision.Ignore.Await(wait).Send(new RoomCommands.AddMember(room, Id));
        var started = new RoomLinkStarted(room, null);
        return Decision.Store(started).Await(wait).Send(RoomLinkCommand(started, DateTimeOffset.MinValue));
    }

    public Decision Decide(RoomReplies.MembershipConfirmed confirmed)
    {
        var room = confirmed.Room;
        if (!PendingRooms.TryGetValue(room.Id, out var pending)) return Decision.Ignore.Answer(UserWait.Room(room.Id), new RoomJoined(room));
        object reply = pending.Create is not null ? new RoomCreated(room) : new RoomJoined(room);
        return Decision.Store(new RoomLinked(room.Id, room.OwnerId == Id, confirmed.Mark)).Answer(UserWait.Room(room.Id), reply);
    }

    public Decision Decide(RoomReplies.RoomNotFound missing)
    {
        var refused = new Refused(RefusalCodes.NotFound, $"room {missing.RoomId} does not exist");
        return Settle(PendingRooms.ContainsKey(missing.RoomId), new RoomLinkAbandoned(missing.RoomId), UserWait.Room(missing.RoomId), refused);
    }

    /// <summary>From a room: this user left it or was removed.</summary>
    public Decision Decide(UnlinkRoom cmd)
    {
        var recorded = new RoomUnlinkRecorded(Id, cmd.RoomId);
        return HoldsRoom(cmd.RoomId) ? Decision.Store(new RoomUnlinked(cmd.RoomId), recorded) : Decision.Reply(recorded);
    }

    public Decision Decide(SetRoomOwnership cmd)
    {
        var recorded = new RoomOwnershipRecorded(Id, cmd.RoomId, cmd.Owned);
        return !Exists || OwnedRooms.Contains(cmd.RoomId) == cmd.Owned
            ? Decision.Reply(recorded)
            : Decision.Store(new RoomOwnershipChanged(cmd.RoomId, cmd.Owned), recorded);
    }

    /// <summary>What asks the room to record its half of <paramref name="link"/>; a creation is stamped <paramref name="now"/>.</summary>
    private object RoomLinkCommand(RoomLinkStarted link, DateTimeOffset now) => link.Create is { } fields
        ? new RoomCommands.CreateRoomLog(link.RoomId, Id, fields, now)
        : new RoomCommands.AddMember(link.RoomId, Id);

    private UserState ApplyRooms(IChatEvent e) => e switch
    {
        RoomLinkStarted r => this with { PendingRooms = PendingRooms.SetItem(r.RoomId, r) },
        RoomLinked r => this with
        {
            Rooms = Rooms.Add(r.RoomId),
            OwnedRooms = r.Owner ? OwnedRooms.Add(r.RoomId) : OwnedRooms,
            PendingRooms = PendingRooms.Remove(r.RoomId),
            RoomMarks = RoomMarks.ContainsKey(r.RoomId) ? RoomMarks : RoomMarks.SetItem(r.RoomId, r.Mark),
        },
        RoomLinkAbandoned r => this with { PendingRooms = PendingRooms.Remove(r.RoomId) },
        RoomUnlinked r => this with
        {
            Rooms = Rooms.Remove(r.RoomId),
            OwnedRooms = OwnedRooms.Remove(r.RoomId),
            RoomMarks = RoomMarks.Remove(r.RoomId),
        },
        RoomOwnershipChanged o => this with { OwnedRooms = o.Owned ? OwnedRooms.Add(o.RoomId) : OwnedRooms.Remove(o.RoomId) },
        _ => this,
    };
}
