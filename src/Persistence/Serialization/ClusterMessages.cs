namespace AkkaChat.Persistence.Serialization;

using System.Collections.Frozen;
using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Operations;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>
/// Every message that may cross nodes (commands through the shard regions, their replies, pushes to connection
/// actors, fan-out to other nodes), each with the manifest <see cref="ClusterMessageSerializer"/> writes next to it.
/// A type not listed here has no serializer: sending it to another node fails loudly (see ChatSerialization.Config).
/// A manifest is never reused, and a type's shape changes under its manifest only by properties older nodes may
/// ignore, so nodes of adjacent versions keep understanding each other; a type that changes otherwise gets a new
/// manifest and the old one is retired (cluster-wire-shapes.txt in the tests pins every shape).
/// </summary>
public static class ClusterMessages
{
    public static readonly IReadOnlyDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        // Every entity (X): the one refusal reply.
        [typeof(Refused)] = "XR",

        // Users: commands (U), replies (Y), pushes to connection actors (P).
        [typeof(UserCommands.CreateUser)] = "UC",
        [typeof(UserCommands.GetProfile)] = "UG",
        [typeof(UserCommands.AddFriend)] = "UF",
        [typeof(UserCommands.LinkFriend)] = "UL",
        [typeof(UserCommands.ListFriends)] = "ULF",
        [typeof(UserCommands.CreateRoom)] = "UCR",
        [typeof(UserCommands.JoinRoom)] = "UJ",
        [typeof(UserCommands.ListRooms)] = "ULR",
        [typeof(UserCommands.Connect)] = "UCN",
        [typeof(UserCommands.Disconnect)] = "UD",
        [typeof(UserCommands.SendDirect)] = "USD",
        [typeof(UserCommands.StoreIncomingDirect)] = "USI",
        [typeof(UserReplies.UserCreatedAck)] = "YC",
        // Retired, never reuse: "YN" (UserNotFound) and "YR" (UserRefused), both answered with Refused now.
        [typeof(UserReplies.ProfileReply)] = "YP",
        [typeof(UserReplies.FriendAdded)] = "YFA",
        [typeof(UserReplies.FriendLinked)] = "YFL",
        [typeof(UserReplies.FriendList)] = "YF",
        [typeof(UserReplies.RoomList)] = "YRL",
        [typeof(UserReplies.RoomCreated)] = "YRC",
        [typeof(UserReplies.RoomJoined)] = "YRJ",
        // "YCN" is retired, never reuse: Connected carried the seed-000 backlog itself then. Across that version and this
        // one it would be misread (an old reply read here has BacklogAfter 0, a whole-inbox replay; a new one read there
        // has no backlog) instead of failing to read.
        [typeof(UserReplies.Connected)] = "YCB",
        [typeof(UserReplies.DisconnectRecorded)] = "YD",
        [typeof(UserReplies.IncomingDirectStored)] = "YIS",
        [typeof(ConnectionPushes.PushDirect)] = "PD",
        [typeof(ConnectionPushes.DirectAccepted)] = "PDA",
        [typeof(ConnectionPushes.RoomAccepted)] = "PRA",
        [typeof(ConnectionPushes.ChatRefused)] = "PCR",
        [typeof(ConnectionPushes.RoomMembershipAdded)] = "PMA",
        [typeof(ConnectionPushes.RoomMembershipRemoved)] = "PMR",
        [typeof(ConnectionPushes.SessionRevoked)] = "PSR",
        [typeof(ConnectionPushes.SignedInElsewhere)] = "PSE",

        // Sessions: commands (S), replies (Z).
        [typeof(SessionCommands.GetSession)] = "SG",
        [typeof(SessionCommands.RevokeSessions)] = "SR",
        [typeof(SessionReplies.CurrentSession)] = "ZC",

        // Contacts: commands (K), replies (J).
        [typeof(ContactCommands.SendFriendRequest)] = "KS",
        [typeof(ContactCommands.DeliverFriendRequest)] = "KD",
        [typeof(ContactCommands.AcceptFriendRequest)] = "KA",
        [typeof(ContactCommands.RejectFriendRequest)] = "KR",
        [typeof(ContactCommands.CloseFriendRequest)] = "KC",
        [typeof(ContactCommands.ListFriendRequests)] = "KL",
        [typeof(ContactCommands.RemoveFriend)] = "KRF",
        [typeof(ContactCommands.UnlinkFriend)] = "KUF",
        [typeof(ContactCommands.BlockUser)] = "KB",
        [typeof(ContactCommands.UnblockUser)] = "KU",
        [typeof(ContactCommands.ListBlocked)] = "KLB",
        [typeof(ContactCommands.UnlinkRoom)] = "KUR",
        [typeof(ContactCommands.SetRoomOwnership)] = "KSO",
        [typeof(ContactReplies.FriendRequestStored)] = "JS",
        [typeof(ContactReplies.FriendRequestDeclined)] = "JD",
        [typeof(ContactReplies.FriendRequestOpen)] = "JO",
        [typeof(ContactReplies.FriendRequestList)] = "JL",
        [typeof(ContactReplies.FriendRequestRejected)] = "JR",
        [typeof(ContactReplies.FriendRequestCloseRecorded)] = "JC",
        [typeof(ContactReplies.FriendUnlinked)] = "JU",
        [typeof(ContactReplies.FriendshipEnded)] = "JE",
        [typeof(ContactReplies.FriendLinkDeclined)] = "JFD",
        [typeof(ContactReplies.BlockChanged)] = "JB",
        [typeof(ContactReplies.BlockList)] = "JBL",
        [typeof(ContactReplies.IncomingDirectRefused)] = "JIR",
        [typeof(ContactReplies.RoomUnlinkRecorded)] = "JRU",
        [typeof(ContactReplies.RoomOwnershipRecorded)] = "JRO",

        // Conversations: commands (V), replies and pushes (W), journal heads (H).
        [typeof(ConversationCommands.MarkRead)] = "VM",
        [typeof(ConversationCommands.SetConversationFlags)] = "VF",
        [typeof(ConversationCommands.GetConversations)] = "VG",
        [typeof(ConversationCommands.RecallDirect)] = "VR",
        [typeof(ConversationCommands.RecallIncoming)] = "VRI",
        [typeof(ConversationCommands.DeliverReceipt)] = "VDR",
        [typeof(ConversationCommands.DeliverTyping)] = "VDT",
        [typeof(ConversationCommands.DeliverPresence)] = "VDP",
        [typeof(ConversationCommands.SendTyping)] = "VST",
        [typeof(ConversationCommands.NoteFriendPresence)] = "VNP",
        [typeof(ConversationCommands.GetOnlineFriends)] = "VOF",
        [typeof(ConversationReplies.ReadMarkerMoved)] = "WR",
        [typeof(ConversationReplies.FlagsChanged)] = "WF",
        [typeof(ConversationReplies.PeerSummary)] = "WPS",
        [typeof(ConversationReplies.RoomReadState)] = "WRS",
        [typeof(ConversationReplies.ConversationsState)] = "WC",
        [typeof(ConversationReplies.MessageRecalled)] = "WM",
        [typeof(ConversationReplies.ReceiptArrived)] = "WRA",
        [typeof(ConversationReplies.TypingArrived)] = "WT",
        [typeof(ConversationReplies.PresenceArrived)] = "WP",
        [typeof(ConversationReplies.ConversationRefused)] = "WX",
        [typeof(ConversationReplies.OnlineFriends)] = "WOF",
        [typeof(GetJournalHead)] = "H",
        [typeof(GetRoomJournalHead)] = "HR",
        [typeof(JournalHead)] = "HH",

        // Rooms: commands (R), replies (Q), membership commands (M) and replies (N).
        [typeof(RoomCommands.CreateRoomLog)] = "RC",
        [typeof(RoomCommands.AddMember)] = "RA",
        [typeof(RoomCommands.GetRoom)] = "RG",
        [typeof(RoomCommands.SendRoomMessage)] = "RS",
        [typeof(RoomCommands.FetchRoomMessages)] = "RF",
        [typeof(RoomConversationCommands.RecallRoomMessage)] = "RRM",
        [typeof(RoomConversationCommands.RoomTyping)] = "RT",
        [typeof(RoomConversationCommands.GetRoomRecalls)] = "RGR",
        [typeof(RoomReplies.MembershipConfirmed)] = "QM",
        [typeof(RoomReplies.RoomNotFound)] = "QN",
        [typeof(RoomReplies.RoomInfo)] = "QI",
        [typeof(RoomReplies.RoomMessages)] = "QRM",
        [typeof(RoomConversationReplies.RoomRecalls)] = "QRR",
        [typeof(MembershipCommands.LeaveRoom)] = "ML",
        [typeof(MembershipCommands.RemoveMember)] = "MR",
        [typeof(MembershipCommands.TransferOwnership)] = "MT",
        [typeof(MembershipCommands.ListMembers)] = "MLM",
        [typeof(MembershipReplies.MembershipEnded)] = "NE",
        [typeof(MembershipReplies.OwnershipMoved)] = "NO",
        [typeof(MembershipReplies.MemberList)] = "NL",
        [typeof(NodeSubscriptionCommands.SetNodeSubscription)] = "RNS",
        [typeof(NodeSubscriptionReplies.NodeSubscriptionSet)] = "QNS",
        // "QR" (RoomRefused) is retired: rooms refuse with Refused ("XR").

        // Fan-out to other nodes' room fan-out actors (B, "broadcast").
        [typeof(RoomMessagePublished)] = "BM",
        [typeof(RoomRecallPublished)] = "BR",
        [typeof(RoomTypingPublished)] = "BT",
        [typeof(PresencePublished)] = "BP",
        [typeof(RollCall)] = "BC",
        // "BU" (TypingPublished) is retired: 1:1 typing now goes from the typist's entity to the peer's.

        // Accounts (A) and id blocks (I).
        [typeof(AccountCommands.RegisterAccount)] = "AR",
        [typeof(AccountCommands.GetCredentials)] = "AG",
        [typeof(AccountCommands.ReplacePasswordHash)] = "AP",
        [typeof(AccountReplies.AccountRegistered)] = "AAR",
        [typeof(AccountReplies.Credentials)] = "AC",
        [typeof(AccountReplies.PasswordHashStored)] = "AHS",
        [typeof(IdBlockCommands.ReserveIdBlock)] = "IR",
        [typeof(IdBlockReplies.IdBlockGranted)] = "IG",
        // "AAF" (AccountRefused) and "AN" (AccountNotFound) are retired: accounts refuse with Refused ("XR").

        // Operators' queries (akkachat-ctl): commands (O), replies (T).
        [typeof(InspectionCommands.InspectUser)] = "OI",
        [typeof(InspectionReplies.UserInspected)] = "TI",
        [typeof(NodeSocketCommands.ListSockets)] = "OS",
        [typeof(NodeSocketCommands.KickUser)] = "OK",
        [typeof(NodeSocketReplies.NodeSockets)] = "TS",
        [typeof(NodeSocketReplies.UserKicked)] = "TK",
    }.ToFrozenDictionary();

    public static readonly IReadOnlyDictionary<string, Type> TypesByManifest =
        Manifests.ToFrozenDictionary(m => m.Value, m => m.Key, StringComparer.Ordinal);
}
