namespace AkkaChat.LoadTest.Measurement;

using System.Diagnostics;
using System.Numerics;

public enum DeliveryOutcome
{
    First,
    Duplicate,
    /// <summary>Reached a socket outside the message's audience.</summary>
    Unexpected,
    /// <summary>Came back to the socket that sent it (seed-000 says the sender gets nothing).</summary>
    Echo,
    /// <summary>The frame names a sender other than the one that sent the message.</summary>
    Misattributed,
    Unknown,
}

public enum SendState
{
    Scheduled,
    Sent,
    Failed,
    NotSent,
}

/// <summary>One message the harness scheduled: who sent it to whom, when, and which audience sockets have it.</summary>
public struct MessageRecord
{
    public long ScheduledTicks;
    public Audience Audience;
    public PhaseStats Phase;
    public long DstId;
    public long SenderUserId;
    public int Origin;
    public int State;
    public int Acked;
    public int OwnCopy;
    public long Bits0;
    public long[]? Bits;

    public readonly int Expected => Audience.IndexOf(Origin) >= 0 ? Audience.Size - 1 : Audience.Size;
}

/// <summary>
/// Every message of a run, by sequence number (1-based, also the client id in the frame). Only the scheduler
/// thread creates records; sockets mark them sent and delivered from any thread (bit per audience socket, so
/// a second delivery to the same socket is a duplicate).
/// </summary>
public sealed class MessageLedger
{
    private const int ChunkShift = 14;
    private const int ChunkSize = 1 << ChunkShift;
    private const int MaxChunks = 1 << 12; // 67M messages

    private readonly MessageRecord[]?[] _chunks = new MessageRecord[MaxChunks][];
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public long Unknown;

    public long Create(Audience audience, long dstId, int origin, long senderUserId, long scheduledTicks, PhaseStats phase)
    {
        var index = _count;
        var chunk = (int)(index >> ChunkShift);
        if (chunk >= MaxChunks) throw new InvalidOperationException("the run has more messages than the ledger holds; shorten --duration or lower --rate");
        var records = _chunks[chunk];
        if (records is null)
        {
            records = new MessageRecord[ChunkSize];
            Volatile.Write(ref _chunks[chunk], records);
        }
        ref var r = ref records[index & (ChunkSize - 1)];
        r.ScheduledTicks = scheduledTicks;
        r.Audience = audience;
        r.Phase = phase;
        r.DstId = dstId;
        r.SenderUserId = senderUserId;
        r.Origin = origin;
        r.State = (int)SendState.Scheduled;
        r.Acked = 0;
        r.OwnCopy = 0;
        r.Bits = audience.Size > 64 ? new long[(audience.Size + 63) / 64] : null;
        Interlocked.Increment(ref phase.Scheduled);
        Volatile.Write(ref _count, index + 1);
        return index + 1;
    }

    public ref MessageRecord Get(long seq) => ref _chunks[(int)((seq - 1) >> ChunkShift)]![(seq - 1) & (ChunkSize - 1)];

    public void MarkSent(long seq, long sendStartTicks)
    {
        ref var r = ref Get(seq);
        Volatile.Write(ref r.State, (int)SendState.Sent);
        Interlocked.Increment(ref r.Phase.Sent);
        Interlocked.Add(ref r.Phase.ExpectedDeliveries, r.Expected);
        r.Phase.SendLag.Record(Stopwatch.GetElapsedTime(r.ScheduledTicks, sendStartTicks).Ticks / 10);
    }

    public void MarkUnsent(long seq, SendState state)
    {
        ref var r = ref Get(seq);
        Volatile.Write(ref r.State, (int)state);
        if (state == SendState.Failed) Interlocked.Increment(ref r.Phase.SendFailed);
        else Interlocked.Increment(ref r.Phase.NotSent);
    }

    /// <summary>Records the server's ack of message <paramref name="seq"/>; false when it is not a message of this run.</summary>
    public bool Ack(long seq, long nowTicks)
    {
        if (seq < 1 || seq > Count)
        {
            Interlocked.Increment(ref Unknown);
            return false;
        }
        ref var r = ref Get(seq);
        if (Interlocked.Exchange(ref r.Acked, 1) != 0)
        {
            Interlocked.Increment(ref r.Phase.DuplicateAcks);
            return true;
        }
        Interlocked.Increment(ref r.Phase.Acked);
        r.Phase.AckLatency.Record(Stopwatch.GetElapsedTime(r.ScheduledTicks, nowTicks).Ticks / 10);
        return true;
    }

    /// <summary>The server refused message <paramref name="seq"/> with an error frame.</summary>
    public void Refuse(long seq)
    {
        if (seq < 1 || seq > Count) return;
        Interlocked.Increment(ref Get(seq).Phase.Refused);
    }

    /// <summary>
    /// When <paramref name="socket"/> sent message <paramref name="seq"/> of this run, counts the copy it got back
    /// (once; again is a duplicate) and returns true; false when it is not the sender.
    /// </summary>
    public bool OwnCopy(long seq, int socket)
    {
        if (seq < 1 || seq > Count) return false;
        ref var r = ref Get(seq);
        if (r.Origin != socket) return false;
        if (Interlocked.Exchange(ref r.OwnCopy, 1) != 0) Interlocked.Increment(ref r.Phase.DuplicateOwnCopies);
        else Interlocked.Increment(ref r.Phase.OwnCopies);
        return true;
    }

    /// <summary>Records that <paramref name="socket"/> received message <paramref name="seq"/>.</summary>
    public DeliveryOutcome Deliver(long seq, int socket, int claimedSender, long frameSenderUserId, long nowTicks)
    {
        if (seq < 1 || seq > Count)
        {
            Interlocked.Increment(ref Unknown);
            return DeliveryOutcome.Unknown;
        }
        ref var r = ref Get(seq);
        var phase = r.Phase;
        if (claimedSender != r.Origin || frameSenderUserId != r.SenderUserId)
        {
            Interlocked.Increment(ref phase.Misattributed);
            return DeliveryOutcome.Misattributed;
        }
        if (socket == r.Origin)
        {
            Interlocked.Increment(ref phase.Echoes);
            return DeliveryOutcome.Echo;
        }
        var index = r.Audience.IndexOf(socket);
        if (index < 0)
        {
            Interlocked.Increment(ref phase.Unexpected);
            return DeliveryOutcome.Unexpected;
        }
        var mask = 1L << (index & 63);
        var before = r.Bits is { } bits ? Interlocked.Or(ref bits[index >> 6], mask) : Interlocked.Or(ref r.Bits0, mask);
        if ((before & mask) != 0)
        {
            Interlocked.Increment(ref phase.Duplicates);
            return DeliveryOutcome.Duplicate;
        }
        Interlocked.Increment(ref phase.Delivered);
        var micros = Stopwatch.GetElapsedTime(r.ScheduledTicks, nowTicks).Ticks / 10;
        (r.Audience.Cmd == Protocol.ChatCommands.Room ? phase.Group : phase.Direct).Record(micros);
        return DeliveryOutcome.First;
    }

    /// <summary>Counts what the sent messages of a phase are still missing (call after draining).</summary>
    public (long LostDeliveries, long LostMessages, long DeliveredOfSent) Missing(PhaseStats phase)
    {
        var m = Audit(phase);
        return (m.LostDeliveries, m.LostMessages, m.DeliveredOfSent);
    }

    /// <summary>
    /// <see cref="Missing"/> plus, for protocols with acks, the sent messages never acked and the acked messages
    /// that did not reach every expected socket (call after draining).
    /// </summary>
    public (long LostDeliveries, long LostMessages, long DeliveredOfSent, long Unacked, long AckedNotDelivered) Audit(PhaseStats phase)
    {
        long lostDeliveries = 0, lostMessages = 0, delivered = 0, unacked = 0, ackedNotDelivered = 0;
        for (var seq = phase.FirstSeq; seq < phase.EndSeq; seq++)
        {
            ref var r = ref Get(seq);
            var acked = Volatile.Read(ref r.Acked) != 0;
            if (Volatile.Read(ref r.State) != (int)SendState.Sent)
            {
                continue;
            }
            if (!acked) unacked++;
            var got = r.Bits is { } bits ? bits.Sum(b => BitOperations.PopCount((ulong)b)) : BitOperations.PopCount((ulong)Volatile.Read(ref r.Bits0));
            delivered += got;
            var missing = r.Expected - got;
            if (missing <= 0) continue;
            lostDeliveries += missing;
            lostMessages++;
            if (acked) ackedNotDelivered++;
        }
        return (lostDeliveries, lostMessages, delivered, unacked, ackedNotDelivered);
    }
}
