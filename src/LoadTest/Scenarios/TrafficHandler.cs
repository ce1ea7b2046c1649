namespace AkkaChat.LoadTest.Scenarios;

using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using AkkaChat.LoadTest.Measurement;
using AkkaChat.LoadTest.Protocol;
using AkkaChat.LoadTest.Sockets;

/// <summary>What every socket reports to: decodes frames, feeds the ledger and counts everything else.</summary>
public sealed class TrafficHandler(IClientProtocol protocol, MessageLedger ledger, uint run, int messageBytes) : ISocketHandler
{
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly ConcurrentDictionary<string, long> _closeReasons = new();

    /// <summary>Probes of an earlier run (a reused user's backlog or room catch-up).</summary>
    public long Stale;

    /// <summary>The part of <see cref="Stale"/> that were room messages (room catch-up from an old mark).</summary>
    public long StaleRoom;

    /// <summary>Chat frames that are not probes at all.</summary>
    public long Foreign;
    public long Malformed;
    public long Other;
    public long ClosedByServer;
    /// <summary>v2: acks whose client id is not a message of this run.</summary>
    public long ForeignAcks;
    public long LastDeliveryTicks;

    public IReadOnlyDictionary<string, long> Errors => _errors;
    public IReadOnlyDictionary<string, long> CloseReasons => _closeReasons;

    public void OnFrame(SimulatedSocket socket, ReadOnlySpan<byte> frame)
    {
        var f = protocol.Decode(frame);
        switch (f.Kind)
        {
            case InboundKind.Chat:
                if (protocol.ResumesFromPositions)
                {
                    if (f.Cmd == ChatCommands.Room) socket.Positions.Room(f.DstId, f.ServerSeq);
                    else socket.Positions.Inbox(f.ServerSeq);
                }
                if (Probe.TryRead(f.Content, run, out var seq, out var sender, out _))
                {
                    // v2 pushes a message back to the socket that sent it (it is in its stream): matched by sender socket
                    // and client id, counted apart, not a delivery.
                    if (protocol.SenderGetsOwnCopy && sender == socket.Index && f.ClientRef == seq && ledger.OwnCopy(seq, socket.Index)) break;
                    var now = Stopwatch.GetTimestamp();
                    ledger.Deliver(seq, socket.Index, sender, f.SenderUserId, now);
                    Volatile.Write(ref LastDeliveryTicks, now);
                }
                else if (Probe.IsProbe(f.Content))
                {
                    Interlocked.Increment(ref Stale);
                    if (f.Cmd == ChatCommands.Room) Interlocked.Increment(ref StaleRoom);
                }
                else
                {
                    Interlocked.Increment(ref Foreign);
                }
                break;
            case InboundKind.Ack:
                if (f.Ref == 0 || !ledger.Ack(f.Ref, Stopwatch.GetTimestamp())) Interlocked.Increment(ref ForeignAcks);
                break;
            case InboundKind.Synced:
                socket.Positions.Inbox(f.SyncedInbox);
                foreach (var (room, head) in f.SyncedRooms ?? []) socket.Positions.Room(room, head);
                socket.MarkSynced();
                break;
            case InboundKind.Error:
                _errors.AddOrUpdate(f.ErrorCode ?? "unknown", 1, (_, n) => n + 1);
                if (f.Ref != 0) ledger.Refuse(f.Ref);
                break;
            case InboundKind.Malformed:
                Interlocked.Increment(ref Malformed);
                break;
            default:
                Interlocked.Increment(ref Other);
                break;
        }
    }

    public bool WriteMessage(SimulatedSocket socket, long seq, IBufferWriter<byte> output)
    {
        ref var r = ref ledger.Get(seq);
        var content = ArrayPool<byte>.Shared.Rent(messageBytes + 96);
        try
        {
            var length = Probe.Write(content, run, seq, r.Origin, r.ScheduledTicks, messageBytes);
            protocol.WriteChat(output, seq, r.SenderUserId, r.Audience.Cmd, r.DstId, content.AsSpan(0, length));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(content);
        }
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> Handshake(SimulatedSocket socket) => protocol.Handshake(socket.UserId, socket.Token, socket.Index + 1, socket.Positions);

    public FrameTransport Transport => protocol.Transport;

    public ReadOnlyMemory<byte> PingFrame => protocol.PingFrame;

    public TimeSpan? PingInterval => protocol.PingInterval;

    public void OnSent(SimulatedSocket socket, long seq, long sendStartTicks) => ledger.MarkSent(seq, sendStartTicks);

    public void OnSendFailed(SimulatedSocket socket, long seq) => ledger.MarkUnsent(seq, SendState.Failed);

    public void OnClosedByServer(SimulatedSocket socket, string reason)
    {
        Interlocked.Increment(ref ClosedByServer);
        _closeReasons.AddOrUpdate(reason.Length > 80 ? reason[..80] : reason, 1, (_, n) => n + 1);
    }
}
