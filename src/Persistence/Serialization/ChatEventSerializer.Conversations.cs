namespace AkkaChat.Persistence.Serialization;

using System.Runtime.Serialization;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>Conversation events (read markers, pin/mute, recall) and the conversation part of the user snapshot.</summary>
public sealed partial class ChatEventSerializer
{
    private static Proto.ConversationRead ToProto(ConversationEvents.ConversationRead e) =>
        new() { Conversation = e.Conversation.ToString(), Seq = e.Seq, IncomingRead = e.IncomingRead };

    private static ConversationEvents.ConversationRead FromProto(Proto.ConversationRead p) =>
        new(ParseConversation(p.Conversation), p.Seq, p.IncomingRead);

    private static Proto.ConversationFlagsSet ToProto(ConversationEvents.ConversationFlagsSet e) =>
        new() { Conversation = e.Conversation.ToString(), Pinned = e.Pinned, Muted = e.Muted };

    private static ConversationEvents.ConversationFlagsSet FromProto(Proto.ConversationFlagsSet p) =>
        new(ParseConversation(p.Conversation), p.Pinned, p.Muted);

    private static Proto.DirectMessageRecalled ToProto(ConversationEvents.DirectMessageRecalled e) =>
        new() { Seq = e.Seq, MessageId = e.MessageId, AtUnixMs = ToUnixMs(e.At) };

    private static ConversationEvents.DirectMessageRecalled FromProto(Proto.DirectMessageRecalled p) =>
        new(p.Seq, p.MessageId, FromUnixMs(p.AtUnixMs));

    private static Proto.RoomMessageRecalled ToProto(RoomConversationEvents.RoomMessageRecalled e) =>
        new() { Seq = e.Seq, MessageId = e.MessageId, AtUnixMs = ToUnixMs(e.At) };

    private static RoomConversationEvents.RoomMessageRecalled FromProto(Proto.RoomMessageRecalled p) =>
        new(p.Seq, p.MessageId, FromUnixMs(p.AtUnixMs));

    private static void AddConversations(Proto.UserSnapshot p, UserEvents.UserSnapshot s)
    {
        foreach (var (peer, c) in s.Peers.OrderBy(kv => kv.Key.Value))
        {
            p.Peers.Add(new Proto.PeerConversation
            {
                Peer = peer.Value,
                Last = c.Last is null ? null : ToProto(c.Last),
                IncomingTotal = c.IncomingTotal,
                IncomingRead = c.IncomingRead,
                ReadThrough = c.ReadThrough,
            });
        }
        foreach (var (room, seq) in s.RoomReads.OrderBy(kv => kv.Key.Value)) p.RoomReads.Add(room.Value, seq);
        foreach (var (conversation, flags) in s.Flags.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal))
            p.Flags.Add(new Proto.ConversationFlags { Conversation = conversation.ToString(), Pinned = flags.Pinned, Muted = flags.Muted });
        p.RecalledMessages.Add(s.RecalledMessages);
        p.RecalledSeqs.Add(s.RecalledSeqs);
        p.RecentRecalls.Add(s.RecentRecalls.Select(ToProto));
    }

    private static UserEvents.UserSnapshot WithConversations(Proto.UserSnapshot p, UserEvents.UserSnapshot s) => s with
    {
        Peers = p.Peers.ToDictionary(
            c => new UserId(c.Peer),
            c => new PeerConversation(c.Last is null ? null : FromProto(c.Last), c.IncomingTotal, c.IncomingRead, c.ReadThrough)),
        RoomReads = p.RoomReads.ToDictionary(kv => new RoomId(kv.Key), kv => kv.Value),
        Flags = p.Flags.ToDictionary(f => ParseConversation(f.Conversation), f => new ConversationFlags(f.Pinned, f.Muted)),
        RecalledMessages = [.. p.RecalledMessages],
        RecalledSeqs = [.. p.RecalledSeqs],
        RecentRecalls = [.. p.RecentRecalls.Select(FromProto)],
    };

    private static Proto.RecallNote ToProto(RecallNote n) => new() { Seq = n.Seq, MessageId = n.MessageId, Head = n.Head };

    private static RecallNote FromProto(Proto.RecallNote p) => new(p.Seq, p.MessageId, p.Head);

    private static ConversationId ParseConversation(string text) =>
        ConversationId.TryParse(text, out var id) ? id : throw new SerializationException($"'{text}' is not a conversation id");
}
