namespace AkkaChat.LoadTest.Scenarios;

using System.Diagnostics;
using AkkaChat.LoadTest.Measurement;

/// <summary>
/// Schedules messages at a fixed rate on its own thread (open loop: a slow server does not slow the schedule
/// down, so queueing shows up as latency). Each message is stamped with its scheduled time, chosen a sender
/// socket round-robin (skipping sockets that are down) and queued on that socket's outbox.
/// </summary>
public sealed class OpenLoopDriver(Population population, MessageLedger ledger)
{
    private const int SenderTries = 16;
    private long _directCursor;
    private long _roomCursor;
    private readonly long[] _memberCursor = new long[population.RoomAudiences.Length];

    /// <summary>Sends at <paramref name="rate"/> msgs/s for <paramref name="duration"/>; blocks the calling thread.</summary>
    public void Run(PhaseStats phase, double rate, double groupShare, TimeSpan duration, CancellationToken ct)
    {
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var ticksPerMessage = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        phase.StartTicks = start;
        phase.FirstSeq = ledger.Count + 1;
        var groupCredit = 0.0;
        long issued = 0;
        while (issued < total && !ct.IsCancellationRequested)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - start) / ticksPerMessage) + 1);
            for (; issued < due; issued++)
            {
                var scheduled = start + (long)(issued * ticksPerMessage);
                groupCredit += groupShare;
                if (groupCredit >= 1 - 1e-9)
                {
                    groupCredit -= 1;
                    SendRoom(phase, scheduled);
                }
                else
                {
                    SendDirect(phase, scheduled);
                }
            }
            // Sleep until the next message is due, never spin: a spinning driver thread takes a core from the server it
            // measures. Thread.Sleep(1) wakes ~1.1 ms later, so at high rates messages leave in small bursts, each
            // stamped with its own scheduled time; the wait shows as send lag and in the latency, never hidden.
            if (issued < total && start + (long)(issued * ticksPerMessage) > Stopwatch.GetTimestamp()) Thread.Sleep(1);
        }
        phase.EndTicks = Stopwatch.GetTimestamp();
        phase.EndSeq = ledger.Count + 1;
    }

    private void SendDirect(PhaseStats phase, long scheduled)
    {
        var sockets = population.Sockets;
        for (var attempt = 0; attempt < SenderTries; attempt++)
        {
            var socket = sockets[(int)(_directCursor++ % sockets.Length)];
            if (!socket.IsOpen) continue;
            var partner = socket.UserIndex ^ 1;
            var audience = population.PairAudiences[socket.UserIndex / 2];
            var dst = population.Sockets[population.SocketsOfUser[partner][0]].UserId;
            Queue(socket.Index, ledger.Create(audience, dst, socket.Index, socket.UserId, scheduled, phase));
            return;
        }
        Interlocked.Increment(ref phase.NoSender);
    }

    private void SendRoom(PhaseStats phase, long scheduled)
    {
        var r = (int)(_roomCursor++ % population.RoomAudiences.Length);
        var senders = population.RoomSenders[r];
        for (var attempt = 0; attempt < SenderTries; attempt++)
        {
            var socket = population.Sockets[senders[(int)(_memberCursor[r]++ % senders.Length)]];
            if (!socket.IsOpen) continue;
            var audience = population.RoomAudiences[r];
            Queue(socket.Index, ledger.Create(audience, audience.TargetId, socket.Index, socket.UserId, scheduled, phase));
            return;
        }
        Interlocked.Increment(ref phase.NoSender);
    }

    private void Queue(int socket, long seq)
    {
        if (!population.Sockets[socket].TryQueue(seq)) ledger.MarkUnsent(seq, SendState.NotSent);
    }
}
