namespace AkkaChat.Edge.Protocols.V2;

using Akka.Actor;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;
using static AkkaChat.Core.Users.ConversationReplies;

/// <summary>
/// The conversation list: every friend and room with the last message, unread count and flags; pinned first,
/// then most recent. The user entity answers for 1:1 conversations, each room for its head and last message;
/// names and avatars are fetched only for the requested page.
/// </summary>
public static class ConversationList
{
    public static async Task<byte[]> BuildAsync(IActorRef users, IActorRef rooms, UserId user, int offset, int limit, TimeSpan timeout)
    {
        var state = await users.Ask<ConversationsState>(new ConversationCommands.GetConversations(user), timeout);
        var roomInfos = await Task.WhenAll(state.Rooms.Select(async r => (Read: r, Info: await rooms.Ask<object>(new RoomCommands.GetRoom(r.Room), timeout) as RoomReplies.RoomInfo)));

        var entries = new List<Entry>();
        foreach (var peer in state.Peers)
            entries.Add(new Entry(ConversationId.With(peer.Peer), peer.Last?.At ?? DateTimeOffset.MinValue, peer.Unread, peer.Pinned, peer.Muted,
                peer.Last is { } last ? V2Frames.EncodeDirectForHistory(user, last, peer.LastRecalled) : null, null));
        foreach (var (read, info) in roomInfos)
        {
            if (info is null) continue;
            entries.Add(new Entry(ConversationId.In(read.Room), info.Last?.At ?? info.Room.CreatedAt, Math.Max(0, info.Head - read.ReadThrough), read.Pinned, read.Muted,
                info.Last is { } last ? V2Frames.EncodeRoomForHistory(last, info.LastRecalled) : null, info.Room));
        }

        var page = entries
            .OrderByDescending(e => e.Pinned)
            .ThenByDescending(e => e.LastAt)
            .ThenBy(e => e.Conversation.ToString(), StringComparer.Ordinal)
            .Skip(offset).Take(limit)
            .ToList();
        var items = await Task.WhenAll(page.Select(async e =>
        {
            var (name, avatar) = e.Room is { } room
                ? (room.Name, room.Icon)
                : await users.Ask<object>(new UserCommands.GetProfile(e.Conversation.Peer!.Value), timeout) is UserReplies.ProfileReply p ? (p.Profile.Nickname, p.Profile.Avatar) : ("", "");
            return new V2Frames.ConversationItem(e.Conversation, name, avatar, e.Last, e.LastAt, e.Unread, e.Pinned, e.Muted);
        }));
        return V2Frames.EncodeConversations(entries.Count, items);
    }

    private sealed record Entry(ConversationId Conversation, DateTimeOffset LastAt, long Unread, bool Pinned, bool Muted, byte[]? Last, RoomProfile? Room);
}
