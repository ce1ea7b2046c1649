namespace AkkaChat.Persistence.Serialization;

using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using Google.Protobuf;
using Google.Protobuf.Collections;

/// <summary>
/// Protobuf serializer for every persisted type (every <see cref="AkkaChat.Core.IChatEvent"/>); the schema is
/// Protos/events.proto. Manifests are stored with each event and snapshot: never change or reuse one.
/// Times are stored as UTC milliseconds, so a <see cref="DateTimeOffset"/> comes back as the same instant in UTC.
/// </summary>
public sealed partial class ChatEventSerializer : SerializerWithStringManifest
{
    private const string IdBlockReservedManifest = "IB";
    private const string AccountCreatedManifest = "AC";
    private const string AccountProvisionedManifest = "AP";
    private const string PasswordHashReplacedManifest = "AH";
    private const string SessionsRevokedManifest = "SR";
    private const string UserCreatedManifest = "UC";
    private const string FriendLinkStartedManifest = "FS";
    private const string FriendAddedManifest = "FA";
    private const string FriendLinkAbandonedManifest = "FX";
    private const string RoomLinkStartedManifest = "RS";
    private const string RoomLinkedManifest = "RL";
    private const string RoomLinkAbandonedManifest = "RX";
    private const string DirectMessageStoredManifest = "DM";
    private const string InboxDeliveredManifest = "ID";
    private const string RoomMarksAdvancedManifest = "RM";
    private const string UserSnapshotManifest = "US";
    private const string RoomCreatedManifest = "RC";
    private const string MemberJoinedManifest = "MJ";
    private const string RoomMessageStoredManifest = "RMS";
    private const string RoomSnapshotManifest = "RSS";
    private const string ConversationReadManifest = "VR";
    private const string ConversationFlagsSetManifest = "VF";
    private const string DirectMessageRecalledManifest = "VD";
    private const string RoomMessageRecalledManifest = "VRR";
    private const string FriendRequestStartedManifest = "KRS";
    private const string FriendRequestDeliveredManifest = "KRD";
    private const string FriendRequestReceivedManifest = "KRI";
    private const string FriendRequestAcceptedManifest = "KRA";
    private const string FriendRequestClosedManifest = "KRC";
    private const string FriendRequestCloseConfirmedManifest = "KRK";
    private const string FriendRemovalStartedManifest = "KFS";
    private const string FriendRemovedManifest = "KFR";
    private const string FriendRemovalConfirmedManifest = "KFC";
    private const string UserBlockedManifest = "KB";
    private const string UserUnblockedManifest = "KU";
    private const string RoomUnlinkedManifest = "KRU";
    private const string RoomOwnershipChangedManifest = "KRO";
    private const string MemberLeftManifest = "KL";
    private const string MemberRemovedManifest = "KMR";
    private const string MemberUnlinkedManifest = "KMU";
    private const string OwnershipTransferredManifest = "KOT";
    private const string OwnershipRecordedManifest = "KOR";

    /// <summary>Every type this serializer writes, with the manifest stored next to it.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        [typeof(IdBlockEvents.IdBlockReserved)] = IdBlockReservedManifest,
        [typeof(AccountEvents.AccountCreated)] = AccountCreatedManifest,
        [typeof(AccountEvents.AccountProvisioned)] = AccountProvisionedManifest,
        [typeof(AccountEvents.PasswordHashReplaced)] = PasswordHashReplacedManifest,
        [typeof(SessionEvents.SessionsRevoked)] = SessionsRevokedManifest,
        [typeof(UserEvents.UserCreated)] = UserCreatedManifest,
        [typeof(UserEvents.FriendLinkStarted)] = FriendLinkStartedManifest,
        [typeof(UserEvents.FriendAdded)] = FriendAddedManifest,
        [typeof(UserEvents.FriendLinkAbandoned)] = FriendLinkAbandonedManifest,
        [typeof(UserEvents.RoomLinkStarted)] = RoomLinkStartedManifest,
        [typeof(UserEvents.RoomLinked)] = RoomLinkedManifest,
        [typeof(UserEvents.RoomLinkAbandoned)] = RoomLinkAbandonedManifest,
        [typeof(UserEvents.DirectMessageStored)] = DirectMessageStoredManifest,
        [typeof(UserEvents.InboxDelivered)] = InboxDeliveredManifest,
        [typeof(UserEvents.RoomMarksAdvanced)] = RoomMarksAdvancedManifest,
        [typeof(UserEvents.UserSnapshot)] = UserSnapshotManifest,
        [typeof(RoomEvents.RoomCreated)] = RoomCreatedManifest,
        [typeof(RoomEvents.MemberJoined)] = MemberJoinedManifest,
        [typeof(RoomEvents.RoomMessageStored)] = RoomMessageStoredManifest,
        [typeof(RoomEvents.RoomSnapshot)] = RoomSnapshotManifest,
        [typeof(ConversationEvents.ConversationRead)] = ConversationReadManifest,
        [typeof(ConversationEvents.ConversationFlagsSet)] = ConversationFlagsSetManifest,
        [typeof(ConversationEvents.DirectMessageRecalled)] = DirectMessageRecalledManifest,
        [typeof(RoomConversationEvents.RoomMessageRecalled)] = RoomMessageRecalledManifest,
        [typeof(ContactEvents.FriendRequestStarted)] = FriendRequestStartedManifest,
        [typeof(ContactEvents.FriendRequestDelivered)] = FriendRequestDeliveredManifest,
        [typeof(ContactEvents.FriendRequestReceived)] = FriendRequestReceivedManifest,
        [typeof(ContactEvents.FriendRequestAccepted)] = FriendRequestAcceptedManifest,
        [typeof(ContactEvents.FriendRequestClosed)] = FriendRequestClosedManifest,
        [typeof(ContactEvents.FriendRequestCloseConfirmed)] = FriendRequestCloseConfirmedManifest,
        [typeof(ContactEvents.FriendRemovalStarted)] = FriendRemovalStartedManifest,
        [typeof(ContactEvents.FriendRemoved)] = FriendRemovedManifest,
        [typeof(ContactEvents.FriendRemovalConfirmed)] = FriendRemovalConfirmedManifest,
        [typeof(ContactEvents.UserBlocked)] = UserBlockedManifest,
        [typeof(ContactEvents.UserUnblocked)] = UserUnblockedManifest,
        [typeof(ContactEvents.RoomUnlinked)] = RoomUnlinkedManifest,
        [typeof(ContactEvents.RoomOwnershipChanged)] = RoomOwnershipChangedManifest,
        [typeof(MembershipEvents.MemberLeft)] = MemberLeftManifest,
        [typeof(MembershipEvents.MemberRemoved)] = MemberRemovedManifest,
        [typeof(MembershipEvents.MemberUnlinked)] = MemberUnlinkedManifest,
        [typeof(MembershipEvents.OwnershipTransferred)] = OwnershipTransferredManifest,
        [typeof(MembershipEvents.OwnershipRecorded)] = OwnershipRecordedManifest,
    }.ToFrozenDictionary();

    public ChatEventSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => ChatSerialization.SerializerId;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest) ? manifest : throw Unsupported(o);

    public override byte[] ToBinary(object obj) => obj switch
    {
        IdBlockEvents.IdBlockReserved e => Bytes(ToProto(e)),
        AccountEvents.AccountCreated e => Bytes(ToProto(e)),
        AccountEvents.AccountProvisioned e => Bytes(ToProto(e)),
        AccountEvents.PasswordHashReplaced e => Bytes(ToProto(e)),
        SessionEvents.SessionsRevoked e => Bytes(ToProto(e)),
        UserEvents.UserCreated e => Bytes(ToProto(e)),
        UserEvents.FriendLinkStarted e => Bytes(ToProto(e)),
        UserEvents.FriendAdded e => Bytes(ToProto(e)),
        UserEvents.FriendLinkAbandoned e => Bytes(ToProto(e)),
        UserEvents.RoomLinkStarted e => Bytes(ToProto(e)),
        UserEvents.RoomLinked e => Bytes(ToProto(e)),
        UserEvents.RoomLinkAbandoned e => Bytes(ToProto(e)),
        UserEvents.DirectMessageStored e => Bytes(e),
        UserEvents.InboxDelivered e => Bytes(ToProto(e)),
        UserEvents.RoomMarksAdvanced e => Bytes(ToProto(e)),
        UserEvents.UserSnapshot e => Bytes(ToProto(e)),
        RoomEvents.RoomCreated e => Bytes(ToProto(e)),
        RoomEvents.MemberJoined e => Bytes(ToProto(e)),
        RoomEvents.RoomMessageStored e => Bytes(e),
        RoomEvents.RoomSnapshot e => Bytes(ToProto(e)),
        ConversationEvents.ConversationRead e => Bytes(ToProto(e)),
        ConversationEvents.ConversationFlagsSet e => Bytes(ToProto(e)),
        ConversationEvents.DirectMessageRecalled e => Bytes(ToProto(e)),
        RoomConversationEvents.RoomMessageRecalled e => Bytes(ToProto(e)),
        ContactEvents.FriendRequestStarted e => Bytes(ToProto(e)),
        ContactEvents.FriendRequestDelivered e => Bytes(ToProto(e)),
        ContactEvents.FriendRequestReceived e => Bytes(ToProto(e)),
        ContactEvents.FriendRequestAccepted e => Bytes(ToProto(e)),
        ContactEvents.FriendRequestClosed e => Bytes(ToProto(e)),
        ContactEvents.FriendRequestCloseConfirmed e => Bytes(ToProto(e)),
        ContactEvents.FriendRemovalStarted e => Bytes(ToProto(e)),
        ContactEvents.FriendRemoved e => Bytes(ToProto(e)),
        ContactEvents.FriendRemovalConfirmed e => Bytes(ToProto(e)),
        ContactEvents.UserBlocked e => Bytes(ToProto(e)),
        ContactEvents.UserUnblocked e => Bytes(ToProto(e)),
        ContactEvents.RoomUnlinked e => Bytes(ToProto(e)),
        ContactEvents.RoomOwnershipChanged e => Bytes(ToProto(e)),
        MembershipEvents.MemberLeft e => Bytes(ToProto(e)),
        MembershipEvents.MemberRemoved e => Bytes(ToProto(e)),
        MembershipEvents.MemberUnlinked e => Bytes(ToProto(e)),
        MembershipEvents.OwnershipTransferred e => Bytes(ToProto(e)),
        MembershipEvents.OwnershipRecorded e => Bytes(ToProto(e)),
        _ => throw Unsupported(obj),
    };

    /// <summary>
    /// An event's bytes, written straight into an array of its size: <c>ToByteArray</c> allocates a
    /// <c>CodedOutputStream</c> for every event as well (docs/BENCHMARKS.md, issue 14).
    /// </summary>
    private static byte[] Bytes(IMessage message)
    {
        var bytes = new byte[message.CalculateSize()];
        message.WriteTo(bytes.AsSpan());
        return bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        IdBlockReservedManifest => FromProto(Proto.IdBlockReserved.Parser.ParseFrom(bytes)),
        AccountCreatedManifest => FromProto(Proto.AccountCreated.Parser.ParseFrom(bytes)),
        AccountProvisionedManifest => FromProto(Proto.AccountProvisioned.Parser.ParseFrom(bytes)),
        PasswordHashReplacedManifest => FromProto(Proto.PasswordHashReplaced.Parser.ParseFrom(bytes)),
        SessionsRevokedManifest => FromProto(Proto.SessionsRevoked.Parser.ParseFrom(bytes)),
        UserCreatedManifest => FromProto(Proto.UserCreated.Parser.ParseFrom(bytes)),
        FriendLinkStartedManifest => FromProto(Proto.FriendLinkStarted.Parser.ParseFrom(bytes)),
        FriendAddedManifest => FromProto(Proto.FriendAdded.Parser.ParseFrom(bytes)),
        FriendLinkAbandonedManifest => FromProto(Proto.FriendLinkAbandoned.Parser.ParseFrom(bytes)),
        RoomLinkStartedManifest => FromProto(Proto.RoomLinkStarted.Parser.ParseFrom(bytes)),
        RoomLinkedManifest => FromProto(Proto.RoomLinked.Parser.ParseFrom(bytes)),
        RoomLinkAbandonedManifest => FromProto(Proto.RoomLinkAbandoned.Parser.ParseFrom(bytes)),
        DirectMessageStoredManifest => FromProto(Proto.DirectMessageStored.Parser.ParseFrom(bytes)),
        InboxDeliveredManifest => FromProto(Proto.InboxDelivered.Parser.ParseFrom(bytes)),
        RoomMarksAdvancedManifest => FromProto(Proto.RoomMarksAdvanced.Parser.ParseFrom(bytes)),
        UserSnapshotManifest => FromProto(Proto.UserSnapshot.Parser.ParseFrom(bytes)),
        RoomCreatedManifest => FromProto(Proto.RoomCreated.Parser.ParseFrom(bytes)),
        MemberJoinedManifest => FromProto(Proto.MemberJoined.Parser.ParseFrom(bytes)),
        RoomMessageStoredManifest => FromProto(Proto.RoomMessageStored.Parser.ParseFrom(bytes)),
        RoomSnapshotManifest => FromProto(Proto.RoomSnapshot.Parser.ParseFrom(bytes)),
        ConversationReadManifest => FromProto(Proto.ConversationRead.Parser.ParseFrom(bytes)),
        ConversationFlagsSetManifest => FromProto(Proto.ConversationFlagsSet.Parser.ParseFrom(bytes)),
        DirectMessageRecalledManifest => FromProto(Proto.DirectMessageRecalled.Parser.ParseFrom(bytes)),
        RoomMessageRecalledManifest => FromProto(Proto.RoomMessageRecalled.Parser.ParseFrom(bytes)),
        FriendRequestStartedManifest => FromProto(Proto.FriendRequestStarted.Parser.ParseFrom(bytes)),
        FriendRequestDeliveredManifest => FromProto(Proto.FriendRequestDelivered.Parser.ParseFrom(bytes)),
        FriendRequestReceivedManifest => FromProto(Proto.FriendRequestReceived.Parser.ParseFrom(bytes)),
        FriendRequestAcceptedManifest => FromProto(Proto.FriendRequestAccepted.Parser.ParseFrom(bytes)),
        FriendRequestClosedManifest => FromProto(Proto.FriendRequestClosed.Parser.ParseFrom(bytes)),
        FriendRequestCloseConfirmedManifest => FromProto(Proto.FriendRequestCloseConfirmed.Parser.ParseFrom(bytes)),
        FriendRemovalStartedManifest => FromProto(Proto.FriendRemovalStarted.Parser.ParseFrom(bytes)),
        FriendRemovedManifest => FromProto(Proto.FriendRemoved.Parser.ParseFrom(bytes)),
        FriendRemovalConfirmedManifest => FromProto(Proto.FriendRemovalConfirmed.Parser.ParseFrom(bytes)),
        UserBlockedManifest => FromProto(Proto.UserBlocked.Parser.ParseFrom(bytes)),
        UserUnblockedManifest => FromProto(Proto.UserUnblocked.Parser.ParseFrom(bytes)),
        RoomUnlinkedManifest => FromProto(Proto.RoomUnlinked.Parser.ParseFrom(bytes)),
        RoomOwnershipChangedManifest => FromProto(Proto.RoomOwnershipChanged.Parser.ParseFrom(bytes)),
        MemberLeftManifest => FromProto(Proto.MemberLeft.Parser.ParseFrom(bytes)),
        MemberRemovedManifest => FromProto(Proto.MemberRemoved.Parser.ParseFrom(bytes)),
        MemberUnlinkedManifest => FromProto(Proto.MemberUnlinked.Parser.ParseFrom(bytes)),
        OwnershipTransferredManifest => FromProto(Proto.OwnershipTransferred.Parser.ParseFrom(bytes)),
        OwnershipRecordedManifest => FromProto(Proto.OwnershipRecorded.Parser.ParseFrom(bytes)),
        _ => throw new SerializationException(
            $"Unknown manifest '{manifest}' for {nameof(ChatEventSerializer)} (id {Identifier}); " +
            "the data was written by a newer or different version of AkkaChat."),
    };

    private static ArgumentException Unsupported(object obj) =>
        new($"{nameof(ChatEventSerializer)} cannot serialize {obj.GetType()}; add it to events.proto and the serializer.", nameof(obj));

    // ---- IdBlockEvents ----

    private static Proto.IdBlockReserved ToProto(IdBlockEvents.IdBlockReserved e) => new() { Start = e.Start, Count = e.Count };

    private static IdBlockEvents.IdBlockReserved FromProto(Proto.IdBlockReserved p) => new(p.Start, p.Count);

    // ---- AccountEvents ----

    private static Proto.AccountCreated ToProto(AccountEvents.AccountCreated e) => new()
    {
        UserId = e.UserId.Value,
        PasswordHash = e.PasswordHash,
        Profile = ToProto(e.Profile),
        CreatedAtUnixMs = ToUnixMs(e.CreatedAt),
    };

    private static AccountEvents.AccountCreated FromProto(Proto.AccountCreated p) =>
        new(new UserId(p.UserId), p.PasswordHash, FromProto(Required(p.Profile, "profile")), FromUnixMs(p.CreatedAtUnixMs));

    private static Proto.AccountProvisioned ToProto(AccountEvents.AccountProvisioned e) => new() { UserId = e.UserId.Value };

    private static AccountEvents.AccountProvisioned FromProto(Proto.AccountProvisioned p) => new(new UserId(p.UserId));

    private static Proto.PasswordHashReplaced ToProto(AccountEvents.PasswordHashReplaced e) => new() { PasswordHash = e.PasswordHash };

    private static AccountEvents.PasswordHashReplaced FromProto(Proto.PasswordHashReplaced p) => new(p.PasswordHash);

    // ---- SessionEvents ----

    private static Proto.SessionsRevoked ToProto(SessionEvents.SessionsRevoked e) => new() { Generation = e.Generation };

    private static SessionEvents.SessionsRevoked FromProto(Proto.SessionsRevoked p) => new(p.Generation);

    // ---- UserEvents ----

    private static Proto.UserCreated ToProto(UserEvents.UserCreated e) => new()
    {
        UserId = e.UserId.Value,
        Mobile = e.Mobile,
        Profile = ToProto(e.Profile),
        CreatedAtUnixMs = ToUnixMs(e.CreatedAt),
    };

    private static UserEvents.UserCreated FromProto(Proto.UserCreated p) =>
        new(new UserId(p.UserId), p.Mobile, FromProto(Required(p.Profile, "profile")), FromUnixMs(p.CreatedAtUnixMs));

    private static Proto.FriendLinkStarted ToProto(UserEvents.FriendLinkStarted e) => new() { FriendId = e.FriendId.Value };

    private static UserEvents.FriendLinkStarted FromProto(Proto.FriendLinkStarted p) => new(new UserId(p.FriendId));

    private static Proto.FriendAdded ToProto(UserEvents.FriendAdded e) => new() { FriendId = e.FriendId.Value };

    private static UserEvents.FriendAdded FromProto(Proto.FriendAdded p) => new(new UserId(p.FriendId));

    private static Proto.FriendLinkAbandoned ToProto(UserEvents.FriendLinkAbandoned e) => new() { FriendId = e.FriendId.Value };

    private static UserEvents.FriendLinkAbandoned FromProto(Proto.FriendLinkAbandoned p) => new(new UserId(p.FriendId));

    private static Proto.RoomLinkStarted ToProto(UserEvents.RoomLinkStarted e) => new()
    {
        RoomId = e.RoomId.Value,
        Create = e.Create is null ? null : ToProto(e.Create),
    };

    private static UserEvents.RoomLinkStarted FromProto(Proto.RoomLinkStarted p) =>
        new(new RoomId(p.RoomId), p.Create is null ? null : FromProto(p.Create));

    private static Proto.RoomLinked ToProto(UserEvents.RoomLinked e) => new() { RoomId = e.RoomId.Value, Owner = e.Owner, Mark = e.Mark };

    private static UserEvents.RoomLinked FromProto(Proto.RoomLinked p) => new(new RoomId(p.RoomId), p.Owner, p.Mark);

    private static Proto.RoomLinkAbandoned ToProto(UserEvents.RoomLinkAbandoned e) => new() { RoomId = e.RoomId.Value };

    private static UserEvents.RoomLinkAbandoned FromProto(Proto.RoomLinkAbandoned p) => new(new RoomId(p.RoomId));

    private static UserEvents.DirectMessageStored FromProto(Proto.DirectMessageStored p) => new(FromProto(Required(p.Message, "message")));

    private static Proto.InboxDelivered ToProto(UserEvents.InboxDelivered e) => new() { UpTo = e.UpTo };

    private static UserEvents.InboxDelivered FromProto(Proto.InboxDelivered p) => new(p.UpTo);

    private static Proto.RoomMarksAdvanced ToProto(UserEvents.RoomMarksAdvanced e)
    {
        var p = new Proto.RoomMarksAdvanced();
        AddRoomMarks(p.Marks, e.Marks);
        return p;
    }

    private static UserEvents.RoomMarksAdvanced FromProto(Proto.RoomMarksAdvanced p) => new(FromProto(p.Marks));

    private static Proto.UserSnapshot ToProto(UserEvents.UserSnapshot s)
    {
        var p = new Proto.UserSnapshot
        {
            UserId = s.UserId.Value,
            Mobile = s.Mobile,
            Profile = ToProto(s.Profile),
            CreatedAtUnixMs = ToUnixMs(s.CreatedAt),
            Friends = { s.Friends.Select(id => id.Value) },
            PendingFriends = { s.PendingFriends.Select(id => id.Value) },
            Rooms = { s.Rooms.Select(id => id.Value) },
            OwnedRooms = { s.OwnedRooms.Select(id => id.Value) },
            PendingRooms = { s.PendingRooms.Select(ToProto) },
            InboxSeq = s.InboxSeq,
            DeliveredThrough = s.DeliveredThrough,
            InboxWindow = { s.RecentInbox.Select(ToProto) },
        };
        AddRoomMarks(p.RoomMarks, s.RoomMarks);
        AddConversations(p, s);
        p.Contacts = ToProto(s.Contacts);
        p.SessionGeneration = s.SessionGeneration;
        return p;
    }

    private static UserEvents.UserSnapshot FromProto(Proto.UserSnapshot p) => WithContacts(p, WithConversations(p, new(
        new UserId(p.UserId),
        p.Mobile,
        FromProto(Required(p.Profile, "profile")),
        FromUnixMs(p.CreatedAtUnixMs),
        [.. p.Friends.Select(id => new UserId(id))],
        [.. p.PendingFriends.Select(id => new UserId(id))],
        [.. p.Rooms.Select(id => new RoomId(id))],
        [.. p.OwnedRooms.Select(id => new RoomId(id))],
        [.. p.PendingRooms.Select(FromProto)],
        p.InboxSeq,
        p.DeliveredThrough,
        [.. p.RecentInbox.Select(m => InboxEntry.Of(FromProto(m), new UserId(p.UserId))), .. p.InboxWindow.Select(FromProto)],
        FromProto(p.RoomMarks))) with { SessionGeneration = p.SessionGeneration });

    private static Proto.InboxEntry ToProto(InboxEntry e) => new()
    {
        Seq = e.Seq,
        MessageId = e.MessageId,
        PeerId = e.Peer.Value,
        Outgoing = e.Outgoing,
        AtUnixMs = ToUnixMs(e.At),
        Cid = e.Cid,
    };

    private static InboxEntry FromProto(Proto.InboxEntry p) => new(p.Seq, p.MessageId, new UserId(p.PeerId), p.Outgoing, FromUnixMs(p.AtUnixMs), p.Cid);

    // ---- RoomEvents ----

    private static Proto.RoomCreated ToProto(RoomEvents.RoomCreated e) => new()
    {
        RoomId = e.RoomId.Value,
        OwnerId = e.OwnerId.Value,
        Fields = ToProto(e.Fields),
        CreatedAtUnixMs = ToUnixMs(e.CreatedAt),
    };

    private static RoomEvents.RoomCreated FromProto(Proto.RoomCreated p) =>
        new(new RoomId(p.RoomId), new UserId(p.OwnerId), FromProto(Required(p.Fields, "fields")), FromUnixMs(p.CreatedAtUnixMs));

    private static Proto.MemberJoined ToProto(RoomEvents.MemberJoined e) => new() { UserId = e.UserId.Value, AtUnixMs = ToUnixMs(e.At) };

    private static RoomEvents.MemberJoined FromProto(Proto.MemberJoined p) => new(new UserId(p.UserId), FromUnixMs(p.AtUnixMs));

    private static RoomEvents.RoomMessageStored FromProto(Proto.RoomMessageStored p) => new(FromProto(Required(p.Message, "message")));

    private static Proto.RoomSnapshot ToProto(RoomEvents.RoomSnapshot s) => new()
    {
        Profile = ToProto(s.Profile),
        Members = { s.Members.Select(id => id.Value) },
        Seq = s.Seq,
        Recent = { s.Recent.Select(ToProto) },
        RecalledMessages = { s.RecalledMessages },
        RecalledSeqs = { s.RecalledSeqs },
        RecentRecalls = { s.RecentRecalls.Select(ToProto) },
        PendingUnlinks = { s.PendingUnlinks.Select(id => id.Value) },
        PendingOwnership = { OwnershipByUser(s.PendingOwnership) },
    };

    private static RoomEvents.RoomSnapshot FromProto(Proto.RoomSnapshot p) => new(
        FromProto(Required(p.Profile, "profile")),
        [.. p.Members.Select(id => new UserId(id))],
        p.Seq,
        [.. p.Recent.Select(FromProto)])
    {
        RecalledMessages = [.. p.RecalledMessages],
        RecalledSeqs = [.. p.RecalledSeqs],
        RecentRecalls = [.. p.RecentRecalls.Select(FromProto)],
        PendingUnlinks = [.. p.PendingUnlinks.Select(id => new UserId(id))],
        PendingOwnership = p.PendingOwnership.ToDictionary(kv => new UserId(kv.Key), kv => kv.Value),
    };

    // ---- Shared parts ----

    private static Proto.ChatPayload ToProto(ChatPayload c) => new()
    {
        Media = c.Media,
        Content = c.Content,
        Pic = c.Pic,
        Url = c.Url,
        Memo = c.Memo,
        Amount = c.Amount,
    };

    private static ChatPayload FromProto(Proto.ChatPayload p) => new(p.Media, p.Content, p.Pic, p.Url, p.Memo, p.Amount);

    private static Proto.ProfileFields ToProto(ProfileFields f) => new()
    {
        Nickname = f.Nickname,
        Avatar = f.Avatar,
        Sex = f.Sex,
        Memo = f.Memo,
    };

    private static ProfileFields FromProto(Proto.ProfileFields p) => new(p.Nickname, p.Avatar, p.Sex, p.Memo);

    private static Proto.RoomFields ToProto(RoomFields f) => new() { Name = f.Name, Icon = f.Icon, Memo = f.Memo, Cate = f.Cate };

    private static RoomFields FromProto(Proto.RoomFields p) => new(p.Name, p.Icon, p.Memo, p.Cate);

    private static Proto.RoomProfile ToProto(RoomProfile r) => new()
    {
        RoomId = r.Id.Value,
        OwnerId = r.OwnerId.Value,
        Name = r.Name,
        Icon = r.Icon,
        Memo = r.Memo,
        Cate = r.Cate,
        CreatedAtUnixMs = ToUnixMs(r.CreatedAt),
    };

    private static RoomProfile FromProto(Proto.RoomProfile p) =>
        new(new RoomId(p.RoomId), new UserId(p.OwnerId), p.Name, p.Icon, p.Memo, p.Cate, FromUnixMs(p.CreatedAtUnixMs));

    private static Proto.DirectMessage ToProto(DirectMessage m) => new()
    {
        Seq = m.Seq,
        SenderId = m.SenderId.Value,
        RecipientId = m.RecipientId.Value,
        Payload = ToProto(m.Payload),
        AtUnixMs = ToUnixMs(m.At),
        MessageId = m.MessageId,
        Cid = m.Cid,
    };

    private static DirectMessage FromProto(Proto.DirectMessage p) =>
        new(p.Seq, new UserId(p.SenderId), new UserId(p.RecipientId), FromProto(Required(p.Payload, "payload")), FromUnixMs(p.AtUnixMs), p.MessageId, p.Cid);

    private static Proto.RoomMessage ToProto(RoomMessage m) => new()
    {
        RoomId = m.RoomId.Value,
        Seq = m.Seq,
        SenderId = m.SenderId.Value,
        Payload = ToProto(m.Payload),
        AtUnixMs = ToUnixMs(m.At),
        MessageId = m.MessageId,
        Cid = m.Cid,
    };

    private static RoomMessage FromProto(Proto.RoomMessage p) =>
        new(new RoomId(p.RoomId), p.Seq, new UserId(p.SenderId), FromProto(Required(p.Payload, "payload")), FromUnixMs(p.AtUnixMs), p.MessageId, p.Cid);

    /// <summary>Adds marks in room id order, so the same marks always give the same bytes.</summary>
    private static void AddRoomMarks(MapField<long, long> target, IReadOnlyDictionary<RoomId, long> marks)
    {
        foreach (var (room, mark) in marks.OrderBy(kv => kv.Key.Value)) target.Add(room.Value, mark);
    }

    private static ImmutableDictionary<RoomId, long> FromProto(MapField<long, long> marks) =>
        marks.ToImmutableDictionary(kv => new RoomId(kv.Key), kv => kv.Value);

    private static long ToUnixMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnixMs(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    private static T Required<T>(T? part, string field)
        where T : class =>
        part ?? throw new SerializationException($"Stored event lacks its required '{field}' field.");
}
