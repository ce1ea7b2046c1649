namespace AkkaChat.Persistence.Tests.Serialization;

using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>
/// One sample of every persisted type, with its pinned manifest. Every field holds a non-default value
/// (distinct across fields, so a swap shows), times are UTC with millisecond precision.
/// </summary>
public static class SampleEvents
{
    public sealed record Sample(string Name, string Manifest, IChatEvent Event);

    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    private static readonly ProfileFields Profile = new("Ada", "https://cdn.example/ada.png", "f", "counts things");

    private static readonly RoomFields Fields = new("Engines", "https://cdn.example/engine.png", "analytical", 7);

    private static readonly DirectMessage Direct = new(
        41, new UserId(10_001), new UserId(10_002), Payload("hello, 世界", 3), T0.AddMinutes(1), 8_765_432_109_876_543_210, "client-7");

    private static readonly RoomMessage InRoom = new(
        new RoomId(101), 77, new UserId(10_003), Payload("in the room", 5), T0.AddMinutes(2), 1_234_567_890_123, "client-9");

    private static readonly FriendRequest Request = new(new UserId(10_011), new UserId(10_012), "we met at the engine demo", T0.AddMinutes(5));

    public static readonly IReadOnlyList<Sample> All =
    [
        new("IdBlockReserved", "IB", new IdBlockEvents.IdBlockReserved(10_000, 250)),
        new("AccountCreated", "AC", new AccountEvents.AccountCreated(new UserId(10_001), "pbkdf2$hash", Profile, T0)),
        new("AccountProvisioned", "AP", new AccountEvents.AccountProvisioned(new UserId(10_004))),
        new("PasswordHashReplaced", "AH", new AccountEvents.PasswordHashReplaced("pbkdf2-sha256$600000$c2FsdA==$aGFzaA==")),
        new("SessionsRevoked", "SR", new SessionEvents.SessionsRevoked(3)),
        new("UserCreated", "UC", new UserEvents.UserCreated(new UserId(10_005), "+8613800000000", Profile, T0.AddSeconds(3))),
        new("FriendLinkStarted", "FS", new UserEvents.FriendLinkStarted(new UserId(10_006))),
        new("FriendAdded", "FA", new UserEvents.FriendAdded(new UserId(10_007))),
        new("FriendLinkAbandoned", "FX", new UserEvents.FriendLinkAbandoned(new UserId(10_008))),
        new("RoomLinkStarted (join)", "RS", new UserEvents.RoomLinkStarted(new RoomId(102), null)),
        new("RoomLinkStarted (create)", "RS", new UserEvents.RoomLinkStarted(new RoomId(103), Fields)),
        new("RoomLinked", "RL", new UserEvents.RoomLinked(new RoomId(104), true, 12)),
        new("RoomLinkAbandoned", "RX", new UserEvents.RoomLinkAbandoned(new RoomId(105))),
        new("DirectMessageStored", "DM", new UserEvents.DirectMessageStored(Direct)),
        new("InboxDelivered", "ID", new UserEvents.InboxDelivered(40)),
        new("RoomMarksAdvanced", "RM", new UserEvents.RoomMarksAdvanced(new Dictionary<RoomId, long>
        {
            [new RoomId(106)] = 3,
            [new RoomId(101)] = 77,
        })),
        new("UserSnapshot", "US", new UserEvents.UserSnapshot(
            new UserId(10_001),
            "+8613900000000",
            Profile,
            T0,
            [new UserId(10_002), new UserId(10_003)],
            [new UserId(10_009)],
            [new RoomId(101), new RoomId(104)],
            [new RoomId(104)],
            [new UserEvents.RoomLinkStarted(new RoomId(102), null), new UserEvents.RoomLinkStarted(new RoomId(103), Fields)],
            42,
            39,
            [InboxEntry.Of(Direct, new UserId(10_001)), InboxEntry.Of(Direct with { Seq = 42, SenderId = new UserId(10_002), RecipientId = new UserId(10_001) }, new UserId(10_001))],
            new Dictionary<RoomId, long> { [new RoomId(104)] = 12, [new RoomId(101)] = 70 })
        {
            Peers = new Dictionary<UserId, PeerConversation>
            {
                [new UserId(10_002)] = new(Direct, 9, 7, 41),
                [new UserId(10_003)] = new(Direct with { Seq = 40 }, 3, 1, 30),
            },
            RoomReads = new Dictionary<RoomId, long> { [new RoomId(101)] = 66 },
            Flags = new Dictionary<ConversationId, ConversationFlags>
            {
                [ConversationId.With(new UserId(10_002))] = new(true, true),
                [ConversationId.In(new RoomId(101))] = new(true, true),
            },
            RecalledMessages = [Direct.MessageId],
            RecalledSeqs = [3, 41, 1_000_003],
            RecentRecalls = [new RecallNote(41, 9_000_041, 44), new RecallNote(1_000_003, 9_000_042, 1_000_003)],
            Contacts = new UserContactsSnapshot(
                [Request with { To = new UserId(10_001) }],
                [Request with { From = new UserId(10_001), To = new UserId(10_013), Memo = "hello" }],
                [new UserId(10_013)],
                [new FriendRequestKey(new UserId(10_014), new UserId(10_001))],
                [new UserId(10_015)],
                [new UserId(10_016), new UserId(10_017)]),
            SessionGeneration = 5,
        }),
        new("RoomCreated", "RC", new RoomEvents.RoomCreated(new RoomId(101), new UserId(10_001), Fields, T0.AddHours(1))),
        new("MemberJoined", "MJ", new RoomEvents.MemberJoined(new UserId(10_003), T0.AddHours(2))),
        new("RoomMessageStored", "RMS", new RoomEvents.RoomMessageStored(InRoom)),
        new("RoomSnapshot", "RSS", new RoomEvents.RoomSnapshot(
            new RoomProfile(new RoomId(101), new UserId(10_001), "Engines", "https://cdn.example/engine.png", "analytical", 7, T0.AddHours(1)),
            [new UserId(10_001), new UserId(10_003)],
            78,
            [InRoom, InRoom with { Seq = 78, SenderId = new UserId(10_001), Payload = Payload("reply", 1) }])
        {
            RecalledMessages = [InRoom.MessageId],
            RecalledSeqs = [2, 77],
            RecentRecalls = [new RecallNote(77, 9_000_077, 78)],
            PendingUnlinks = [new UserId(10_004)],
            PendingOwnership = new Dictionary<UserId, bool> { [new UserId(10_003)] = true },
        }),
        new("ConversationRead (1:1)", "VR", new ConversationEvents.ConversationRead(ConversationId.With(new UserId(10_002)), 41, 6)),
        new("ConversationRead (room)", "VR", new ConversationEvents.ConversationRead(ConversationId.In(new RoomId(101)), 77, 2)),
        new("ConversationFlagsSet", "VF", new ConversationEvents.ConversationFlagsSet(ConversationId.In(new RoomId(104)), true, true)),
        new("DirectMessageRecalled", "VD", new ConversationEvents.DirectMessageRecalled(41, 987_654_321, T0.AddMinutes(3))),
        new("RoomMessageRecalled", "VRR", new RoomConversationEvents.RoomMessageRecalled(77, 123_456_789, T0.AddMinutes(4))),
        new("FriendRequestStarted", "KRS", new ContactEvents.FriendRequestStarted(Request)),
        new("FriendRequestDelivered", "KRD", new ContactEvents.FriendRequestDelivered(new UserId(10_018))),
        new("FriendRequestReceived", "KRI", new ContactEvents.FriendRequestReceived(Request with { Memo = "hi from the lab" })),
        new("FriendRequestAccepted", "KRA", new ContactEvents.FriendRequestAccepted(new UserId(10_019))),
        new("FriendRequestClosed", "KRC", new ContactEvents.FriendRequestClosed(new FriendRequestKey(new UserId(10_020), new UserId(10_021)), TellPeer: true)),
        new("FriendRequestCloseConfirmed", "KRK", new ContactEvents.FriendRequestCloseConfirmed(new FriendRequestKey(new UserId(10_022), new UserId(10_023)))),
        new("FriendRemovalStarted", "KFS", new ContactEvents.FriendRemovalStarted(new UserId(10_024))),
        new("FriendRemoved", "KFR", new ContactEvents.FriendRemoved(new UserId(10_025))),
        new("FriendRemovalConfirmed", "KFC", new ContactEvents.FriendRemovalConfirmed(new UserId(10_026))),
        new("UserBlocked", "KB", new ContactEvents.UserBlocked(new UserId(10_027))),
        new("UserUnblocked", "KU", new ContactEvents.UserUnblocked(new UserId(10_028))),
        new("RoomUnlinked", "KRU", new ContactEvents.RoomUnlinked(new RoomId(107))),
        new("RoomOwnershipChanged", "KRO", new ContactEvents.RoomOwnershipChanged(new RoomId(108), Owned: true)),
        new("MemberLeft", "KL", new MembershipEvents.MemberLeft(new UserId(10_029), T0.AddHours(3))),
        new("MemberRemoved", "KMR", new MembershipEvents.MemberRemoved(new UserId(10_030), new UserId(10_001), T0.AddHours(4))),
        new("MemberUnlinked", "KMU", new MembershipEvents.MemberUnlinked(new UserId(10_031))),
        new("OwnershipTransferred", "KOT", new MembershipEvents.OwnershipTransferred(new UserId(10_001), new UserId(10_003), T0.AddHours(5))),
        new("OwnershipRecorded", "KOR", new MembershipEvents.OwnershipRecorded(new UserId(10_003), Owned: true)),
    ];

    public static readonly IReadOnlyDictionary<string, Sample> ByName = All.ToDictionary(s => s.Name);

    public static TheoryData<string> Names => [.. All.Select(s => s.Name)];

    private static ChatPayload Payload(string content, int media) =>
        new(media, content, "https://cdn.example/pic.jpg", "https://example.com/link", "memo: " + content, 8_800);
}
