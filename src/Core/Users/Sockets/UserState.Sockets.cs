namespace AkkaChat.Core.Users;

using System.Collections.Immutable;
using AkkaChat.Core.Ids;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserEvents;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// Sockets: what a socket gets when it opens, and the marks it reports when it closes. The sockets themselves are not
/// state (the entity keeps them); neither is presence.
/// </summary>
public sealed partial record UserState
{
    /// <summary>The last room sequence number a socket of this user wrote, per room.</summary>
    public ImmutableDictionary<RoomId, long> RoomMarks { get => _settled.RoomMarks; init => _settled = _settled with { RoomMarks = value }; }

    private sealed partial record Settled
    {
        public ImmutableDictionary<RoomId, long> RoomMarks { get; init; } = ImmutableDictionary<RoomId, long>.Empty;
    }

    /// <param name="socketsBefore">The user's sockets open before this one.</param>
    /// <param name="socketsAfter">The user's sockets open with this one.</param>
    public Decision Decide(Connect cmd, int socketsBefore, int socketsAfter)
    {
        if (!Exists) return NotFound();
        var backlogAfter = cmd.ReplayUndelivered && socketsBefore == 0 ? UndeliveredAfter() : InboxSeq;
        return Decision.Reply(new Connected(Id, [.. Rooms], backlogAfter, RoomMarks, InboxSeq)
        {
            FirstSocket = socketsAfter == 1,
            // A seed-000 socket reads its backlog (or, registering again after this entity moved, the pushes it lost) from the
            // journal, which meets a message before its recall: it needs the recalls above where it reads from, which is past
            // the delivery cursor. Others resume from cursors of their own and get every one.
            RecalledInbox = cmd.ReplayUndelivered ? [.. RecalledSeqs.Where(seq => seq > DeliveredThrough)] : [.. RecalledSeqs],
            InboxRecalls = cmd.ReplayUndelivered ? [] : RecentRecalls,
        });
    }

    /// <summary>
    /// Where the seed-000 backlog starts: the inbox sequence number after which lie the newest <see cref="MaxBacklog"/>
    /// non-recalled messages above the delivery cursor, or the delivery cursor when there are fewer (<see cref="InboxSeq"/>
    /// when nothing is undelivered). Recalled messages are not counted: a seed-000 client has no notion of a recall and is
    /// never sent their content.
    /// </summary>
    public long UndeliveredAfter()
    {
        var counted = 0;
        for (var seq = InboxSeq; seq > DeliveredThrough; seq--)
        {
            if (!IsRecalledSeq(seq) && ++counted == MaxBacklog) return seq - 1;
        }
        return DeliveredThrough;
    }

    /// <summary>
    /// A socket closed: its room marks are stored where they move forward, and with the last socket the delivery cursor
    /// <paramref name="deliveredThrough"/> (what the sockets wrote, kept by the entity until then). The asker in
    /// <see cref="Disconnect.AckTo"/> hears once they are stored.
    /// </summary>
    public Decision Decide(Disconnect cmd, long deliveredThrough, bool lastSocket)
    {
        var events = new List<IChatEvent>(2);
        var advanced = AdvancedMarks(cmd.RoomMarks);
        if (advanced.Count > 0) events.Add(new RoomMarksAdvanced(advanced));
        if (lastSocket && deliveredThrough > DeliveredThrough) events.Add(new InboxDelivered(deliveredThrough));
        var ack = cmd.AckTo is null ? null : new DisconnectRecorded(Id);
        if (events.Count > 0) return Decision.Store(events, ack);
        return ack is null ? Decision.Ignore : Decision.Reply(ack);
    }

    /// <summary>The entity stops: the delivery cursor its sockets moved is stored, if it moved.</summary>
    public Decision DecideDeliveredThrough(long deliveredThrough) =>
        deliveredThrough > DeliveredThrough ? Decision.Store(new InboxDelivered(deliveredThrough)) : Decision.Ignore;

    /// <summary>Room marks that move forward compared to what is stored; empty when nothing changes.</summary>
    public IReadOnlyDictionary<RoomId, long> AdvancedMarks(IReadOnlyDictionary<RoomId, long> marks) =>
        marks.Where(kv => Rooms.Contains(kv.Key) && kv.Value > RoomMarks.GetValueOrDefault(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    private static ImmutableDictionary<RoomId, long> MergeMarks(ImmutableDictionary<RoomId, long> current, IReadOnlyDictionary<RoomId, long> marks)
    {
        foreach (var (room, mark) in marks)
        {
            if (mark > current.GetValueOrDefault(room)) current = current.SetItem(room, mark);
        }
        return current;
    }
}
