namespace AkkaChat.Persistence.Serialization;

using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>Contact events (friend requests, removal, blocks), room membership events, and their snapshot parts.</summary>
public sealed partial class ChatEventSerializer
{
    // ---- ContactEvents ----

    private static Proto.FriendRequestStarted ToProto(ContactEvents.FriendRequestStarted e) => new() { Request = ToProto(e.Request) };

    private static ContactEvents.FriendRequestStarted FromProto(Proto.FriendRequestStarted p) => new(FromProto(Required(p.Request, "request")));

    private static Proto.FriendRequestDelivered ToProto(ContactEvents.FriendRequestDelivered e) => new() { TargetId = e.TargetId.Value };

    private static ContactEvents.FriendRequestDelivered FromProto(Proto.FriendRequestDelivered p) => new(new UserId(p.TargetId));

    private static Proto.FriendRequestReceived ToProto(ContactEvents.FriendRequestReceived e) => new() { Request = ToProto(e.Request) };

    private static ContactEvents.FriendRequestReceived FromProto(Proto.FriendRequestReceived p) => new(FromProto(Required(p.Request, "request")));

    private static Proto.FriendRequestAccepted ToProto(ContactEvents.FriendRequestAccepted e) => new() { RequesterId = e.RequesterId.Value };

    private static ContactEvents.FriendRequestAccepted FromProto(Proto.FriendRequestAccepted p) => new(new UserId(p.RequesterId));

    private static Proto.FriendRequestClosed ToProto(ContactEvents.FriendRequestClosed e) => new() { Request = ToProto(e.Request), TellPeer = e.TellPeer };

    private static ContactEvents.FriendRequestClosed FromProto(Proto.FriendRequestClosed p) => new(FromProto(Required(p.Request, "request")), p.TellPeer);

    private static Proto.FriendRequestCloseConfirmed ToProto(ContactEvents.FriendRequestCloseConfirmed e) => new() { Request = ToProto(e.Request) };

    private static ContactEvents.FriendRequestCloseConfirmed FromProto(Proto.FriendRequestCloseConfirmed p) => new(FromProto(Required(p.Request, "request")));

    private static Proto.FriendRemovalStarted ToProto(ContactEvents.FriendRemovalStarted e) => new() { FriendId = e.FriendId.Value };

    private static ContactEvents.FriendRemovalStarted FromProto(Proto.FriendRemovalStarted p) => new(new UserId(p.FriendId));

    private static Proto.FriendRemoved ToProto(ContactEvents.FriendRemoved e) => new() { FriendId = e.FriendId.Value };

    private static ContactEvents.FriendRemoved FromProto(Proto.FriendRemoved p) => new(new UserId(p.FriendId));

    private static Proto.FriendRemovalConfirmed ToProto(ContactEvents.FriendRemovalConfirmed e) => new() { FriendId = e.FriendId.Value };

    private static ContactEvents.FriendRemovalConfirmed FromProto(Proto.FriendRemovalConfirmed p) => new(new UserId(p.FriendId));

    private static Proto.UserBlocked ToProto(ContactEvents.UserBlocked e) => new() { TargetId = e.TargetId.Value };

    private static ContactEvents.UserBlocked FromProto(Proto.UserBlocked p) => new(new UserId(p.TargetId));

    private static Proto.UserUnblocked ToProto(ContactEvents.UserUnblocked e) => new() { TargetId = e.TargetId.Value };

    private static ContactEvents.UserUnblocked FromProto(Proto.UserUnblocked p) => new(new UserId(p.TargetId));

    private static Proto.RoomUnlinked ToProto(ContactEvents.RoomUnlinked e) => new() { RoomId = e.RoomId.Value };

    private static ContactEvents.RoomUnlinked FromProto(Proto.RoomUnlinked p) => new(new RoomId(p.RoomId));

    private static Proto.RoomOwnershipChanged ToProto(ContactEvents.RoomOwnershipChanged e) => new() { RoomId = e.RoomId.Value, Owned = e.Owned };

    private static ContactEvents.RoomOwnershipChanged FromProto(Proto.RoomOwnershipChanged p) => new(new RoomId(p.RoomId), p.Owned);

    // ---- MembershipEvents ----

    private static Proto.MemberLeft ToProto(MembershipEvents.MemberLeft e) => new() { Member = e.Member.Value, AtUnixMs = ToUnixMs(e.At) };

    private static MembershipEvents.MemberLeft FromProto(Proto.MemberLeft p) => new(new UserId(p.Member), FromUnixMs(p.AtUnixMs));

    private static Proto.MemberRemoved ToProto(MembershipEvents.MemberRemoved e) =>
        new() { Member = e.Member.Value, RemovedBy = e.RemovedBy.Value, AtUnixMs = ToUnixMs(e.At) };

    private static MembershipEvents.MemberRemoved FromProto(Proto.MemberRemoved p) => new(new UserId(p.Member), new UserId(p.RemovedBy), FromUnixMs(p.AtUnixMs));

    private static Proto.MemberUnlinked ToProto(MembershipEvents.MemberUnlinked e) => new() { Member = e.Member.Value };

    private static MembershipEvents.MemberUnlinked FromProto(Proto.MemberUnlinked p) => new(new UserId(p.Member));

    private static Proto.OwnershipTransferred ToProto(MembershipEvents.OwnershipTransferred e) =>
        new() { From = e.From.Value, To = e.To.Value, AtUnixMs = ToUnixMs(e.At) };

    private static MembershipEvents.OwnershipTransferred FromProto(Proto.OwnershipTransferred p) => new(new UserId(p.From), new UserId(p.To), FromUnixMs(p.AtUnixMs));

    private static Proto.OwnershipRecorded ToProto(MembershipEvents.OwnershipRecorded e) => new() { UserId = e.UserId.Value, Owned = e.Owned };

    private static MembershipEvents.OwnershipRecorded FromProto(Proto.OwnershipRecorded p) => new(new UserId(p.UserId), p.Owned);

    // ---- Snapshot parts ----

    private static Proto.UserContacts ToProto(UserContactsSnapshot c) => new()
    {
        IncomingRequests = { c.IncomingRequests.Select(ToProto) },
        OutgoingRequests = { c.OutgoingRequests.Select(ToProto) },
        UndeliveredRequests = { c.UndeliveredRequests.Select(id => id.Value) },
        PendingRequestCloses = { c.PendingRequestCloses.Select(ToProto) },
        PendingUnfriends = { c.PendingUnfriends.Select(id => id.Value) },
        Blocked = { c.Blocked.Select(id => id.Value) },
    };

    /// <summary>A snapshot written before contacts existed has none.</summary>
    private static UserEvents.UserSnapshot WithContacts(Proto.UserSnapshot p, UserEvents.UserSnapshot s) => p.Contacts is not { } c ? s : s with
    {
        Contacts = new UserContactsSnapshot(
            [.. c.IncomingRequests.Select(FromProto)],
            [.. c.OutgoingRequests.Select(FromProto)],
            [.. c.UndeliveredRequests.Select(id => new UserId(id))],
            [.. c.PendingRequestCloses.Select(FromProto)],
            [.. c.PendingUnfriends.Select(id => new UserId(id))],
            [.. c.Blocked.Select(id => new UserId(id))]),
    };

    /// <summary>In user id order, so the same state always gives the same bytes.</summary>
    private static SortedDictionary<long, bool> OwnershipByUser(IReadOnlyDictionary<UserId, bool> pending) =>
        new(pending.ToDictionary(kv => kv.Key.Value, kv => kv.Value));

    private static Proto.FriendRequest ToProto(FriendRequest r) => new()
    {
        From = r.From.Value,
        To = r.To.Value,
        Memo = r.Memo,
        AtUnixMs = ToUnixMs(r.At),
    };

    private static FriendRequest FromProto(Proto.FriendRequest p) => new(new UserId(p.From), new UserId(p.To), p.Memo, FromUnixMs(p.AtUnixMs));

    private static Proto.FriendRequestKey ToProto(FriendRequestKey k) => new() { From = k.From.Value, To = k.To.Value };

    private static FriendRequestKey FromProto(Proto.FriendRequestKey p) => new(new UserId(p.From), new UserId(p.To));
}
