namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Users.ContactCommands;
using static AkkaChat.Core.Users.ConversationCommands;
using static AkkaChat.Core.Users.ConversationEvents;
using static AkkaChat.Core.Users.UserCommands;

/// <summary>
/// Reads a <see cref="UserState"/> decision the way the state specs ask: the reason it refuses (null when it does not),
/// whatever the refusal's shape — <see cref="Refused"/> to an asker, a socket's push, or a reply to another user's entity.
/// </summary>
internal static class UserDecisions
{
    public static string? Refusal(this Decision decision) => decision.ReplyMessage switch
    {
        Refused r => r.Reason,
        ConnectionPushes.ChatRefused r => r.Reason,
        ConversationReplies.ConversationRefused r => r.Reason,
        ContactReplies.FriendRequestDeclined r => r.Reason,
        ContactReplies.FriendLinkDeclined r => r.Reason,
        _ => null,
    };

    public static string? RefusalCode(this Decision decision) => decision.ReplyMessage switch
    {
        Refused r => r.Code,
        ConnectionPushes.ChatRefused r => r.Code,
        ConversationReplies.ConversationRefused r => r.Code,
        _ => null,
    };

    public static string? RefuseAddFriend(this UserState state, UserId friend) => state.Decide(new AddFriend(state.Id, friend)).Refusal();

    public static string? RefuseCreateRoom(this UserState state, RoomFields fields, int maxOwnedRooms) =>
        state.Decide(new CreateRoom(state.Id, fields, maxOwnedRooms), idsInFlight: 0).Refusal();

    public static string? RefuseSendDirect(this UserState state, UserId recipient, ChatPayload payload) =>
        state.Decide(new SendDirect(state.Id, recipient, payload, 1, ActorRefs.Nobody), busy: false).Refusal();

    public static string? RefuseFriendRequest(this UserState state, UserId target, string memo) =>
        state.Decide(new SendFriendRequest(state.Id, target, memo), Samples.At).Refusal();

    public static string? RefuseIncomingRequest(this UserState state, FriendRequest request) => state.Decide(new DeliverFriendRequest(state.Id, request)).Refusal();

    public static string? RefuseAnswer(this UserState state, UserId requester) => state.Decide(new AcceptFriendRequest(state.Id, requester)).Refusal();

    public static string? RefuseRemoveFriend(this UserState state, UserId friend) => state.Decide(new RemoveFriend(state.Id, friend)).Refusal();

    public static string? RefuseBlock(this UserState state, UserId target) => state.Decide(new BlockUser(state.Id, target)).Refusal();

    public static string? RefuseUnblock(this UserState state, UserId target) => state.Decide(new UnblockUser(state.Id, target)).Refusal();

    /// <summary>The events of blocking <paramref name="target"/> (empty when it changes nothing or is refused).</summary>
    public static IReadOnlyList<IChatEvent> DecideBlock(this UserState state, UserId target) => state.Decide(new BlockUser(state.Id, target)).Events;

    public static (ConversationRead? Event, string? Code, string? Refusal) DecideRead(this UserState state, ConversationId conversation, long seq)
    {
        var decision = state.Decide(new MarkRead(state.Id, conversation, seq, ActorRefs.Nobody), Samples.At);
        return (decision.Events.OfType<ConversationRead>().SingleOrDefault(), decision.RefusalCode(), decision.Refusal());
    }

    public static (InboxEntry? Message, string? Code, string? Refusal) DecideRecall(this UserState state, long seq, DateTimeOffset now)
    {
        var decision = state.Decide(new RecallDirect(state.Id, seq, "", ActorRefs.Nobody), now);
        var recalled = decision.ReplyMessage is ConversationReplies.MessageRecalled m ? state.RecentInbox.BySeq(m.Seq) : null;
        return (recalled, decision.RefusalCode(), decision.Refusal());
    }
}
