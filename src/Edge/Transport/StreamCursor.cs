namespace AkkaChat.Edge.Transport;

/// <summary>What to do with one message of a stream.</summary>
public enum CursorDecision
{
    /// <summary>Send it: it is the next one after the last delivered.</summary>
    Deliver,

    /// <summary>Already delivered, or a catch-up read will bring it: do not send.</summary>
    Drop,

    /// <summary>A gap: drop it and read the journal from <see cref="StreamCursor.Delivered"/>.</summary>
    StartCatchUp,
}

/// <summary>
/// Exactly-once, in-order delivery of one stream to one socket over at-least-once, possibly reordered inputs:
/// live pushes (which can race ahead or repeat) and catch-up reads from the journal (which are complete and
/// in order). A message is delivered only when its sequence number is the next one; anything else is dropped,
/// and a gap starts a catch-up read. While catching up, live messages only raise <see cref="HighestSeen"/>,
/// so a message that was stored during the read is fetched by one more read instead of being lost. Pure: no actor.
/// </summary>
public sealed class StreamCursor(long delivered)
{
    /// <summary>The highest sequence number sent to the socket; everything up to it was sent exactly once, in order.</summary>
    public long Delivered { get; private set; } = delivered;

    /// <summary>True from construction or a gap until a catch-up read reaches everything seen.</summary>
    public bool CatchingUp { get; private set; } = true;

    /// <summary>The highest sequence number known to exist (from live pushes).</summary>
    public long HighestSeen { get; private set; } = delivered;

    private bool _readAgain; // pushes were lost while a read ran: read once more after it

    /// <summary>
    /// A cursor with nothing to read: everything up to <paramref name="delivered"/> is the client's already or not meant
    /// for it (a seed-000 second device starts at the inbox head), so it is live at once, with no journal read.
    /// </summary>
    public static StreamCursor Live(long delivered) => new(delivered) { CatchingUp = false };

    public CursorDecision OnLive(long seq)
    {
        HighestSeen = Math.Max(HighestSeen, seq);
        if (CatchingUp || seq <= Delivered) return CursorDecision.Drop;
        if (seq == Delivered + 1)
        {
            Delivered = seq;
            return CursorDecision.Deliver;
        }
        CatchingUp = true;
        return CursorDecision.StartCatchUp;
    }

    /// <summary>
    /// Live pushes may have been lost (the entity that sends them moved or restarted): read the journal once more.
    /// False when a read is already running: it may have started before the lost messages were stored, so it is
    /// followed by one more read (<see cref="OnCatchUpDone"/> says so) rather than trusted to cover them.
    /// </summary>
    public bool BeginCatchUp()
    {
        if (CatchingUp)
        {
            _readAgain = true;
            return false;
        }
        CatchingUp = true;
        return true;
    }

    /// <summary>
    /// Every message up to <paramref name="head"/> is stored (the room's head when it subscribed this node; later ones
    /// arrive live): like a push of <paramref name="head"/> without its body, a gap if it is not delivered yet.
    /// </summary>
    public CursorDecision OnHead(long head)
    {
        HighestSeen = Math.Max(HighestSeen, head);
        if (CatchingUp || head <= Delivered) return CursorDecision.Drop;
        CatchingUp = true;
        return CursorDecision.StartCatchUp;
    }

    /// <summary>A message from a catch-up read (complete and in order from <see cref="Delivered"/>).</summary>
    public CursorDecision OnCatchUp(long seq)
    {
        if (seq <= Delivered) return CursorDecision.Drop;
        Delivered = seq;
        HighestSeen = Math.Max(HighestSeen, seq);
        return CursorDecision.Deliver;
    }

    /// <summary>
    /// A catch-up read ended. True when another read is needed: something newer was seen meanwhile, or pushes were
    /// lost while it ran (<see cref="BeginCatchUp"/>).
    /// </summary>
    public bool OnCatchUpDone()
    {
        if (HighestSeen > Delivered || _readAgain)
        {
            _readAgain = false;
            return true;
        }
        CatchingUp = false;
        return false;
    }
}
