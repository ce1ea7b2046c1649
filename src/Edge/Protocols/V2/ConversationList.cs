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
/// names and avatars are fetched only for the requested page. Gathered once for every protocol (<see cref="PageAsync"/>);
/// v2 encodes it here.
/// </summary>
public static class ConversationList
{
    public static async Task<byte[]> BuildAsync(IActorRef users, IActorRef rooms, UserId user, int offset, int limit, TimeSpan timeout)
    {
        var page = await PageAsync(users, rooms, user, offset, limit, timeout);
        return V2Frames.EncodeConversations(page.Total, page.Items.Select(e => new V2Frames.ConversationItem(e.Conversation, e.Name, e.Avatar,
            e.LastDirect is { } d ? V2Frames.EncodeDirectForHistory(Streams.Inbox(user), d, e.LastRecalled) : e.LastRoom is { } r ? V2Frames.EncodeRoomForHistory(r, e.LastRecalled) : null,
            e.LastAt, e.Unread, e.Pinned, e.Muted)));
    }

    /// <summary>
    /// One page of <paramref name="user"/>'s conversations, in list order, and how many there are in all; without
    /// <paramref name="friendsWithoutMessages"/>, only the 1:1 conversations that have a message.
    /// </summary>
    public static async Task<Page> PageAsync(IActorRef users, IActorRef rooms, UserId user, int offset, int limit, TimeSpan timeout, bool friendsWithoutMessages = true)
    {
        var state = await users.Ask<ConversationsState>(new ConversationCommands.GetConversations(user), timeout);
        var roomInfos = await Task.WhenAll(state.Rooms.Select(async r => (Read: r, Info: await rooms.Ask<object>(new RoomCommands.GetRoom(r.Room), timeout) as RoomReplies.RoomInfo)));

        var entries = new List<Entry>();
        foreach (var peer in state.Peers.Where(p => friendsWithoutMessages || p.Last is not null))
            entries.Add(new Entry(ConversationId.With(peer.Peer), peer.Last?.At ?? DateTimeOffset.MinValue, peer.Unread, peer.Pinned, peer.Muted, peer.Last, null, peer.LastRecalled, null));
        foreach (var (read, info) in roomInfos)
        {
            if (info is null) continue;
            entries.Add(new Entry(ConversationId.In(read.Room), info.Last?.At ?? info.Room.CreatedAt, Math.Max(0, info.Head - read.ReadThrough), read.Pinned, read.Muted,
                null, info.Last, info.LastRecalled, info.Room));
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
            return new Item(e.Conversation, name, avatar, e.LastDirect, e.LastRoom, e.LastRecalled, e.LastAt, e.Unread, e.Pinned, e.Muted);
        }));
        return new Page(entries.Count, items);
    }

    /// <summary>A page of the list and the list's length.</summary>
    public sealed record Page(int Total, IReadOnlyList<Item> Items);

    /// <summary>One conversation of the list: its name and avatar (the peer's or the room's), its last message (1:1 or room), unread count and flags.</summary>
    public sealed record Item(ConversationId Conversation, string Name, string Avatar, DirectMessage? LastDirect, RoomMessage? LastRoom, bool LastRecalled,
        DateTimeOffset LastAt, long Unread, bool Pinned, bool Muted);

    private sealed record Entry(ConversationId Conversation, DateTimeOffset LastAt, long Unread, bool Pinned, bool Muted, DirectMessage? LastDirect, RoomMessage? LastRoom,
        bool LastRecalled, RoomProfile? Room);
}
