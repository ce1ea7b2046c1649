namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.UserEvents;

/// <summary>
/// Everything a user entity remembers, rebuilt from its journal. Pure: <see cref="Apply"/> folds an event,
/// the <c>Decide…</c> methods turn a command into events or a refusal, and nothing here touches an actor.
/// </summary>
public sealed partial record UserState
{
    /// <summary>How many recent inbox messages the state keeps for delivery to a user who was offline.</summary>
    public const int RecentInboxCapacity = 1000;

    /// <summary>At most this many missed messages are pushed to a socket when the user comes back online.</summary>
    public const int MaxBacklog = 500;

    public static readonly UserState Empty = new();

    public bool Exists { get; init; }
    public UserId Id { get; init; }
    public string Mobile { get; init; } = "";
    public ProfileFields Profile { get; init; } = new("", "", "", "");
    public DateTimeOffset CreatedAt { get; init; }
    public ImmutableSortedSet<UserId> Friends { get; init; } = ImmutableSortedSet.Create<UserId>(UserIdOrder.Instance);
    public ImmutableHashSet<UserId> PendingFriends { get; init; } = [];
    public ImmutableSortedSet<RoomId> Rooms { get; init; } = ImmutableSortedSet.Create<RoomId>(RoomIdOrder.Instance);
    public ImmutableHashSet<RoomId> OwnedRooms { get; init; } = [];
    public ImmutableDictionary<RoomId, RoomLinkStarted> PendingRooms { get; init; } = ImmutableDictionary<RoomId, RoomLinkStarted>.Empty;
    public long InboxSeq { get; init; }
    public long DeliveredThrough { get; init; }
    public RecentWindow<DirectMessage> RecentInbox { get; init; } = RecentWindow<DirectMessage>.Empty(RecentInboxCapacity);
    public ImmutableDictionary<RoomId, long> RoomMarks { get; init; } = ImmutableDictionary<RoomId, long>.Empty;

    /// <summary>Client ids of this user's recent sends (their own copies), so a resend is answered, not stored again.</summary>
    public DedupeWindow<string, DirectMessage> SentByCid { get; init; } = DedupeWindow<string, DirectMessage>.Empty(RecentInboxCapacity);

    /// <summary>(sender, client id) of recent incoming messages, so a sender's retry after a crash stores nothing new.</summary>
    public DedupeWindow<(UserId, string), DirectMessage> ReceivedByCid { get; init; } = DedupeWindow<(UserId, string), DirectMessage>.Empty(RecentInboxCapacity);

    /// <summary>Tokens issued before the last revocation carry a lower generation and are refused.</summary>
    public long SessionGeneration { get; init; }

    /// <summary>Tells this account's tokens from those of an earlier account with the same id (after a data reset): its creation time.</summary>
    public long SessionStamp => CreatedAt.ToUnixTimeMilliseconds();

    public PublicProfile PublicProfile => new(Id, Profile.Nickname, Profile.Avatar, Profile.Sex, Profile.Memo, CreatedAt);

    /// <summary>Rooms this user owns or is creating; the per-user room limit counts both.</summary>
    public int OwnedOrCreatingRooms => OwnedRooms.Count + PendingRooms.Values.Count(p => p.Create is not null);

    /// <summary>The next inbox message, stamped with the next dense sequence number.</summary>
    public DirectMessage NextInboxMessage(UserId sender, UserId recipient, ChatPayload payload, DateTimeOffset at, long messageId, string cid) =>
        new(InboxSeq + 1, sender, recipient, payload, at, messageId, cid);

    /// <summary>This user's own stored copy of a send with client id <paramref name="cid"/>, if still remembered.</summary>
    public DirectMessage? ResentBySelf(string cid) => cid.Length > 0 && SentByCid.TryGet(cid, out var m) ? m : null;

    /// <summary>The stored incoming copy of <paramref name="sender"/>'s send with client id <paramref name="cid"/>, if still remembered.</summary>
    public DirectMessage? ResentBy(UserId sender, string cid) => cid.Length > 0 && ReceivedByCid.TryGet((sender, cid), out var m) ? m : null;

    /// <summary>
    /// Inbox messages stored since the user was last online, oldest first, at most <see cref="MaxBacklog"/> (the newest ones).
    /// Recalled messages are left out: a seed-000 client has no notion of a recall and must never get their content.
    /// </summary>
    public IReadOnlyList<DirectMessage> UndeliveredBacklog()
    {
        var pending = RecentInbox.Where(m => m.Seq > DeliveredThrough && !IsRecalledSeq(m.Seq)).ToList();
        return pending.Count <= MaxBacklog ? pending : pending.GetRange(pending.Count - MaxBacklog, MaxBacklog);
    }

    public string? RefuseAddFriend(UserId friend)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (friend == Id) return "you cannot add yourself as a friend";
        if (friend.Value <= 0) return "friend id must be a positive number";
        return null;
    }

    /// <param name="idsInFlight">Creations whose room id is still being allocated; they count against the limit too.</param>
    public string? RefuseCreateRoom(RoomFields fields, int maxOwnedRooms, int idsInFlight = 0)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (string.IsNullOrWhiteSpace(fields.Name)) return "a room needs a name";
        if (OwnedOrCreatingRooms + idsInFlight >= maxOwnedRooms) return $"a user can create at most {maxOwnedRooms} rooms";
        return null;
    }

    public string? RefuseSendDirect(UserId recipient, ChatPayload payload)
    {
        if (!Exists) return $"user {Id} does not exist";
        if (recipient == Id) return "you cannot message yourself";
        if (!Friends.Contains(recipient)) return $"user {recipient} is not your friend";
        if (payload.TextLength > ChatPayload.MaxTextLength) return "message is too long";
        return null;
    }

    public UserState Apply(IChatEvent e) => e switch
    {
        UserCreated c => this with { Exists = true, Id = c.UserId, Mobile = c.Mobile, Profile = c.Profile, CreatedAt = c.CreatedAt },
        FriendLinkStarted f => this with { PendingFriends = PendingFriends.Add(f.FriendId) },
        FriendAdded f => this with { Friends = Friends.Add(f.FriendId), PendingFriends = PendingFriends.Remove(f.FriendId) },
        FriendLinkAbandoned f => this with { PendingFriends = PendingFriends.Remove(f.FriendId) },
        RoomLinkStarted r => this with { PendingRooms = PendingRooms.SetItem(r.RoomId, r) },
        RoomLinked r => this with
        {
            Rooms = Rooms.Add(r.RoomId),
            OwnedRooms = r.Owner ? OwnedRooms.Add(r.RoomId) : OwnedRooms,
            PendingRooms = PendingRooms.Remove(r.RoomId),
            RoomMarks = RoomMarks.ContainsKey(r.RoomId) ? RoomMarks : RoomMarks.SetItem(r.RoomId, r.Mark),
        },
        RoomLinkAbandoned r => this with { PendingRooms = PendingRooms.Remove(r.RoomId) },
        DirectMessageStored d => AppendInbox(d.Message),
        InboxDelivered d => this with { DeliveredThrough = Math.Max(DeliveredThrough, d.UpTo) },
        RoomMarksAdvanced m => this with { RoomMarks = MergeMarks(RoomMarks, m.Marks) },
        UserSnapshot s => FromSnapshot(s).WithContacts(s.Contacts),
        SessionEvents.SessionsRevoked r => this with { SessionGeneration = Math.Max(SessionGeneration, r.Generation) },
        ConversationEvents.ConversationRead or ConversationEvents.ConversationFlagsSet or ConversationEvents.DirectMessageRecalled => ApplyConversation(e),
        IContactEvent c => ApplyContact(c),
        _ => this,
    };

    /// <summary>Room marks that move forward compared to what is stored; empty when nothing changes.</summary>
    public IReadOnlyDictionary<RoomId, long> AdvancedMarks(IReadOnlyDictionary<RoomId, long> marks) =>
        marks.Where(kv => Rooms.Contains(kv.Key) && kv.Value > RoomMarks.GetValueOrDefault(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    public UserSnapshot ToSnapshot() => new(
        Id, Mobile, Profile, CreatedAt,
        [.. Friends], [.. PendingFriends], [.. Rooms], [.. OwnedRooms], [.. PendingRooms.Values],
        InboxSeq, DeliveredThrough, [.. RecentInbox], RoomMarks)
    {
        Peers = Peers,
        RoomReads = RoomReads,
        Flags = Flags,
        RecalledSeqs = [.. RecalledSeqs],
        RecentRecalls = [.. RecentRecalls],
        Contacts = ContactsSnapshot(),
        SessionGeneration = SessionGeneration,
    };

    private static UserState FromSnapshot(UserSnapshot s)
    {
        var state = Empty with
        {
            Exists = true,
            Id = s.UserId,
            Mobile = s.Mobile,
            Profile = s.Profile,
            CreatedAt = s.CreatedAt,
            Friends = ImmutableSortedSet.CreateRange(UserIdOrder.Instance, s.Friends),
            PendingFriends = [.. s.PendingFriends],
            Rooms = ImmutableSortedSet.CreateRange(RoomIdOrder.Instance, s.Rooms),
            OwnedRooms = [.. s.OwnedRooms],
            PendingRooms = s.PendingRooms.ToImmutableDictionary(p => p.RoomId),
            InboxSeq = s.InboxSeq,
            DeliveredThrough = s.DeliveredThrough,
            RoomMarks = s.RoomMarks.ToImmutableDictionary(),
            SessionGeneration = s.SessionGeneration,
        };
        // The recent inbox is replayed for the dedupe windows; the conversation summaries come from the snapshot itself.
        state = s.RecentInbox.Aggregate(state, (st, m) => st.AppendInbox(m)) with { InboxSeq = s.InboxSeq };
        return state with
        {
            Peers = s.Peers.ToImmutableDictionary(),
            RoomReads = s.RoomReads.ToImmutableDictionary(),
            Flags = s.Flags.ToImmutableDictionary(),
            RecalledSeqs = [.. s.RecalledSeqs, .. RecalledInRecent(s.RecentInbox, s.RecalledMessages)],
            RecentRecalls = [.. s.RecentRecalls],
        };
    }

    /// <summary>Snapshots written before <see cref="RecalledSeqs"/> named recalls by message id, only within the recent inbox.</summary>
    private static IEnumerable<long> RecalledInRecent(IReadOnlyList<DirectMessage> recent, IReadOnlyList<long> recalledIds)
    {
        if (recalledIds.Count == 0) return [];
        var ids = recalledIds.ToHashSet();
        return recent.Where(m => ids.Contains(m.MessageId)).Select(m => m.Seq);
    }

    /// <summary>One copy of the state per stored message (this runs for every 1:1 message on both sides).</summary>
    private UserState AppendInbox(DirectMessage m)
    {
        var own = m.SenderId == Id;
        return this with
        {
            InboxSeq = m.Seq,
            RecentInbox = RecentInbox.Add(m),
            Peers = PeersWith(m),
            SentByCid = own && m.Cid.Length > 0 ? SentByCid.Add(m.Cid, m) : SentByCid,
            ReceivedByCid = !own && m.Cid.Length > 0 ? ReceivedByCid.Add((m.SenderId, m.Cid), m) : ReceivedByCid,
        };
    }

    private static ImmutableDictionary<RoomId, long> MergeMarks(ImmutableDictionary<RoomId, long> current, IReadOnlyDictionary<RoomId, long> marks)
    {
        foreach (var (room, mark) in marks)
        {
            if (mark > current.GetValueOrDefault(room)) current = current.SetItem(room, mark);
        }
        return current;
    }

    private sealed class UserIdOrder : IComparer<UserId>
    {
        public static readonly UserIdOrder Instance = new();
        public int Compare(UserId x, UserId y) => x.Value.CompareTo(y.Value);
    }

    private sealed class RoomIdOrder : IComparer<RoomId>
    {
        public static readonly RoomIdOrder Instance = new();
        public int Compare(RoomId x, RoomId y) => x.Value.CompareTo(y.Value);
    }
}
