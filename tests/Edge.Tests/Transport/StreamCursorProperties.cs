namespace AkkaChat.Edge.Tests.Transport;

using AkkaChat.Edge.Transport;
using CsCheck;

/// <summary>
/// Property: however live pushes, journal reads and disconnects interleave, the messages a client ends up
/// with — across all its connections, each resuming from the last sequence number it received — are
/// 1..N, each exactly once, in order. The model runs the real <see cref="StreamCursor"/> against a simulated
/// journal (messages stored over time), live pushes that race ahead of reads, and catch-up reads that see
/// a random amount of what was stored while they ran.
/// </summary>
public sealed class StreamCursorProperties
{
    [Fact]
    public void Resume_is_gap_free_and_duplicate_free_at_any_disconnect_points()
    {
        Gen.Select(Gen.Int[1, 120], Gen.Int.Array[50, 600]).Sample((total, choices) =>
        {
            var received = Simulate(total, choices);
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received);
        }, iter: 2_000);
    }

    [Fact]
    public void A_gap_in_live_pushes_starts_a_catch_up_and_is_filled_from_the_journal()
    {
        var cursor = new StreamCursor(0);
        Assert.True(cursor.CatchingUp);
        Assert.False(cursor.OnCatchUpDone());
        Assert.Equal(CursorDecision.Deliver, cursor.OnLive(1));
        Assert.Equal(CursorDecision.StartCatchUp, cursor.OnLive(3));
        Assert.Equal(CursorDecision.Drop, cursor.OnLive(4));
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(2));
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(3));
        Assert.True(cursor.OnCatchUpDone()); // 4 was seen live but not read: read again
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(4));
        Assert.False(cursor.OnCatchUpDone());
        Assert.Equal(CursorDecision.Drop, cursor.OnLive(4));
        Assert.Equal(CursorDecision.Deliver, cursor.OnLive(5));
        Assert.Equal(5, cursor.Delivered);
    }

    [Fact]
    public void Pushes_lost_while_a_read_runs_are_read_by_one_more_read()
    {
        var cursor = new StreamCursor(0);
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(1)); // the sync read, which saw messages up to 1
        // Message 2 is stored and its push lost (the entity moved); the socket registers again while the read runs.
        Assert.False(cursor.BeginCatchUp(), "a read is running: no second one alongside it");
        Assert.True(cursor.OnCatchUpDone(), "the running read may have started before 2 was stored: read again");
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(2));
        Assert.False(cursor.OnCatchUpDone());
        Assert.False(cursor.CatchingUp);
        Assert.Equal(2, cursor.Delivered);
    }

    [Fact]
    public void A_room_head_beyond_what_was_delivered_is_a_gap_and_one_within_it_is_nothing()
    {
        var cursor = new StreamCursor(0);
        Assert.Equal(CursorDecision.Drop, cursor.OnHead(3)); // the first read is running: it must reach 3 before it ends
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(1));
        Assert.True(cursor.OnCatchUpDone(), "the read ended at 1, but 3 exists: read again");
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(2));
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(3));
        Assert.False(cursor.OnCatchUpDone());

        Assert.Equal(CursorDecision.Drop, cursor.OnHead(3));
        Assert.Equal(CursorDecision.StartCatchUp, cursor.OnHead(5)); // live since 5 was stored: 4 and 5 come from the journal
        Assert.Equal(CursorDecision.Drop, cursor.OnLive(6));
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(4));
        Assert.Equal(CursorDecision.Deliver, cursor.OnCatchUp(5));
        Assert.True(cursor.OnCatchUpDone(), "6 was seen live during the read");
    }

    /// <summary>Runs one random schedule; returns the sequence numbers the client received, in order.</summary>
    private static List<long> Simulate(int total, int[] choices)
    {
        var stored = 0;                 // journal: messages 1..stored
        var received = new List<long>(); // what the client saw, across connections
        var live = new Queue<long>();   // pushes on their way to the current connection
        StreamCursor? cursor = null;
        (long Next, long Upper)? read = null;
        var step = 0;

        void Connect()
        {
            cursor = new StreamCursor(received.Count == 0 ? 0 : received[^1]);
            live.Clear();
            read = (cursor.Delivered + 1, stored); // sync: read what is stored now (at least)
        }

        Connect();
        while (step < choices.Length * 4)
        {
            var choice = (uint)choices[step++ % choices.Length] % 100;
            if (choice < 30 && stored < total)
            {
                stored++;
                if (cursor is not null) live.Enqueue(stored); // pushed after it is stored
            }
            else if (choice < 60 && live.Count > 0 && cursor is not null)
            {
                var seq = live.Dequeue();
                var decision = cursor.OnLive(seq);
                if (decision == CursorDecision.Deliver) received.Add(seq);
                else if (decision == CursorDecision.StartCatchUp) read ??= (cursor.Delivered + 1, stored);
            }
            else if (choice < 85 && read is { } r && cursor is not null)
            {
                // A read sees at least what was stored when it started, and maybe some of what came after.
                var upper = Math.Max(r.Upper, Math.Min(stored, r.Upper + choice % 3));
                if (r.Next <= upper)
                {
                    if (cursor.OnCatchUp(r.Next) == CursorDecision.Deliver) received.Add(r.Next);
                    read = (r.Next + 1, upper);
                }
                else
                {
                    read = null;
                    if (cursor.OnCatchUpDone()) read = (cursor.Delivered + 1, stored);
                }
            }
            else if (choice < 87 && live.Count > 0)
            {
                live.Dequeue(); // the entity moved or restarted: a push is lost until the socket registers again
            }
            else if (choice < 88 && cursor is not null)
            {
                // The socket registers with the entity's new incarnation and reads what it may have missed (after
                // the read already running, if any: that one may have started before the lost pushes were stored).
                var again = Reregister(cursor, stored);
                read ??= again;
            }
            else if (choice < 90)
            {
                cursor = null; // disconnect: pushes in flight are lost
                read = null;
                live.Clear();
            }
            else if (cursor is null)
            {
                Connect();
            }
            if (stored == total && cursor is not null && read is null && live.Count == 0 && !cursor.CatchingUp && received.Count == total) break;
        }

        // Settle: everything gets stored; the current connection (or a new one, if the last step disconnected)
        // processes its pushes and reads until nothing is left. It must then hold every message.
        while (stored < total)
        {
            stored++;
            if (cursor is not null) live.Enqueue(stored);
        }
        if (cursor is null)
        {
            Connect();
        }
        else
        {
            var again = Reregister(cursor, stored);
            read ??= again;
        }
        for (var settle = 0; settle < 10 * total + 100 && (live.Count > 0 || read is not null); settle++)
        {
            if (live.Count > 0)
            {
                var seq = live.Dequeue();
                var decision = cursor!.OnLive(seq);
                if (decision == CursorDecision.Deliver) received.Add(seq);
                else if (decision == CursorDecision.StartCatchUp) read ??= (cursor.Delivered + 1, stored);
            }
            else if (read is { } r2 && r2.Next <= r2.Upper)
            {
                if (cursor!.OnCatchUp(r2.Next) == CursorDecision.Deliver) received.Add(r2.Next);
                read = (r2.Next + 1, r2.Upper);
            }
            else
            {
                read = cursor!.OnCatchUpDone() ? (cursor.Delivered + 1, stored) : null;
            }
        }
        return received;
    }

    private static (long Next, long Upper)? Reregister(StreamCursor cursor, long stored) =>
        cursor.BeginCatchUp() ? (cursor.Delivered + 1, stored) : null;
}
