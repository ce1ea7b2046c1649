namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.UserEvents;

/// <summary>
/// Everything a user entity remembers, rebuilt from its journal. Pure: <see cref="Apply"/> folds an event, each
/// <c>Decide</c> overload turns one command into one <see cref="Decision"/>, and nothing here touches an actor.
/// The concerns live in same-named files: Profile, Friendship, Rooms, Inbox, Sockets, Conversations.
/// </summary>
public sealed partial record UserState : IEntityState<UserState>
{
    public static readonly UserState Empty = new();

    public bool Exists { get => _settled.Exists; init => _settled = _settled with { Exists = value }; }
    public UserId Id { get => _settled.Id; init => _settled = _settled with { Id = value }; }

    /// <summary>
    /// Everything a stored 1:1 message leaves as it was, behind one reference: every event copies the state record, and
    /// with only the inbox's fields beside it (<see cref="InboxSeq"/>, <see cref="DeliveredThrough"/>,
    /// <see cref="RecentInbox"/>, <see cref="Peers"/>) a message's copy is 56 bytes instead of 232 (docs/BENCHMARKS.md,
    /// issue 14, step 12). Each concern declares its part of it beside its properties, which read and write through it.
    /// </summary>
    private readonly Settled _settled = new();

    private sealed partial record Settled
    {
        public bool Exists { get; init; }
        public UserId Id { get; init; }
    }

    /// <summary>
    /// Every saga command not confirmed yet: the other halves of friendships, friend requests, their closing and
    /// removals, and room links. The entity sends them after recovery and again every few seconds until confirmed.
    /// </summary>
    public IEnumerable<object> Outstanding
    {
        get
        {
            foreach (var friend in PendingFriends) yield return new UserCommands.LinkFriend(friend, Id);
            foreach (var target in UndeliveredRequests)
            {
                if (OutgoingRequests.TryGetValue(target, out var request)) yield return new ContactCommands.DeliverFriendRequest(target, request);
            }
            foreach (var key in PendingRequestCloses) yield return new ContactCommands.CloseFriendRequest(key.From == Id ? key.To : key.From, key);
            foreach (var friend in PendingUnfriends) yield return new ContactCommands.UnlinkFriend(friend, Id);
            foreach (var link in PendingRooms.Values) yield return RoomLinkCommand(link, DateTimeOffset.UtcNow);
        }
    }

    public UserState Apply(IChatEvent e) => e switch
    {
        DirectMessageStored d => AppendInbox(d.Message), // first: one of these per 1:1 message on both sides
        UserCreated c => this with { Exists = true, Id = c.UserId, Mobile = c.Mobile, Profile = c.Profile, CreatedAt = c.CreatedAt },
        InboxDelivered d => this with { DeliveredThrough = Math.Max(DeliveredThrough, d.UpTo) },
        RoomMarksAdvanced m => this with { RoomMarks = MergeMarks(RoomMarks, m.Marks) },
        FriendLinkStarted or FriendAdded or FriendLinkAbandoned => ApplyFriendship(e),
        RoomLinkStarted or RoomLinked or RoomLinkAbandoned => ApplyRooms(e),
        UserSnapshot s => FromSnapshot(s).WithContacts(s.Contacts),
        SessionEvents.SessionsRevoked r => this with { SessionGeneration = Math.Max(SessionGeneration, r.Generation) },
        ConversationEvents.DirectMessageRecalled r => ApplyRecall(r),
        ConversationEvents.ConversationRead or ConversationEvents.ConversationFlagsSet => ApplyConversation(e),
        ContactEvents.RoomUnlinked or ContactEvents.RoomOwnershipChanged => ApplyRooms(e),
        IContactEvent => ApplyFriendship(e),
        _ => this,
    };

    IChatEvent? IEntityState<UserState>.ToSnapshot() => ToSnapshot();

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

    /// <summary>The refusal of every command to a user that was never created.</summary>
    private Decision NotFound() => Decision.Refuse(RefusalCodes.NotFound, $"user {Id} does not exist");

    /// <summary>
    /// The other entity answered a saga step: <paramref name="settled"/> is stored while the step is still pending (a
    /// repeated answer stores nothing), and whoever waits under <paramref name="wait"/> gets <paramref name="reply"/>.
    /// </summary>
    private static Decision Settle(bool pending, IChatEvent settled, UserWait wait, object reply) =>
        (pending ? Decision.Store(settled) : Decision.Ignore).Answer(wait, reply);

    private static UserState FromSnapshot(UserSnapshot s) => Empty with
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
        RecentInbox = InboxWindow.Of(s.RecentInbox, RecentInboxCapacity),
        Peers = s.Peers.ToImmutableDictionary(),
        RoomReads = s.RoomReads.ToImmutableDictionary(),
        Flags = s.Flags.ToImmutableDictionary(),
        RecalledSeqs = [.. s.RecalledSeqs, .. RecalledInRecent(s.RecentInbox, s.RecalledMessages)],
        RecentRecalls = [.. s.RecentRecalls],
    };

    /// <summary>Snapshots written before <see cref="RecalledSeqs"/> named recalls by message id, only within the recent inbox.</summary>
    private static IEnumerable<long> RecalledInRecent(IReadOnlyList<InboxEntry> recent, IReadOnlyList<long> recalledIds)
    {
        if (recalledIds.Count == 0) return [];
        var ids = recalledIds.ToHashSet();
        return recent.Where(m => ids.Contains(m.MessageId)).Select(m => m.Seq);
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

/// <summary>What an asker of a user entity waits for until a saga's other half answers (the key of the entity's waiters).</summary>
public readonly record struct UserWait(UserWaitKind Kind, long Id, long Other = 0)
{
    public static UserWait Friend(UserId friend) => new(UserWaitKind.Friend, friend.Value);

    public static UserWait Room(RoomId room) => new(UserWaitKind.Room, room.Value);

    public static UserWait Request(UserId target) => new(UserWaitKind.Request, target.Value);

    public static UserWait Reject(FriendRequestKey request) => new(UserWaitKind.Reject, request.From.Value, request.To.Value);

    public static UserWait Unfriend(UserId friend) => new(UserWaitKind.Unfriend, friend.Value);
}

public enum UserWaitKind
{
    /// <summary>A friendship being linked (direct add or an accepted request).</summary>
    Friend,

    /// <summary>A room being joined or created.</summary>
    Room,

    /// <summary>A friend request being delivered.</summary>
    Request,

    /// <summary>A rejected request being closed on the requester's side.</summary>
    Reject,

    /// <summary>A removed friend's half being removed.</summary>
    Unfriend,
}
