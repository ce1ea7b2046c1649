namespace AkkaChat.Core.Ids;

using Akka.Actor;
using static AkkaChat.Core.Ids.IdBlockCommands;
using static AkkaChat.Core.Ids.IdBlockReplies;

/// <summary>
/// Node-local source of fresh ids of one kind. Leases a block from the kind's <see cref="IdBlockEntity"/>
/// and hands ids out of it; asks for the next block only when the current one runs out.
/// Waiting requests are bounded; past the bound a request fails at once instead of queueing.
/// </summary>
public sealed class IdLeaser : ReceiveActor, IWithTimers
{
    private const int MaxWaiting = 10_000;
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(10);

    private readonly string _kind;
    private readonly IActorRef _idBlocks;
    private readonly int _blockSize;
    private readonly Queue<IActorRef> _waiting = new();
    private long _next;
    private long _end;
    private bool _leasing;

    public IdLeaser(string kind, IActorRef idBlocks, int blockSize)
    {
        _kind = kind;
        _idBlocks = idBlocks;
        _blockSize = blockSize;

        Receive<NextId>(_ =>
        {
            if (_next < _end)
            {
                Sender.Tell(new IdLeased(_next++));
                return;
            }
            if (_waiting.Count >= MaxWaiting)
            {
                Sender.Tell(new Status.Failure(new InvalidOperationException("too many id requests waiting")));
                return;
            }
            _waiting.Enqueue(Sender);
            RequestBlock();
        });
        Receive<IdBlockGranted>(granted =>
        {
            _leasing = false;
            Timers.Cancel("lease");
            _next = granted.Start;
            _end = granted.Start + granted.Count;
            while (_waiting.Count > 0 && _next < _end) _waiting.Dequeue().Tell(new IdLeased(_next++));
            if (_waiting.Count > 0) RequestBlock();
        });
        Receive<LeaseTimedOut>(_ =>
        {
            // The block may still have been reserved; asking again only skips ids, never repeats them.
            _leasing = false;
            if (_waiting.Count > 0) RequestBlock();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string kind, IActorRef idBlocks, int blockSize) =>
        Akka.Actor.Props.Create(() => new IdLeaser(kind, idBlocks, blockSize));

    private void RequestBlock()
    {
        if (_leasing) return;
        _leasing = true;
        _idBlocks.Tell(new ReserveIdBlock(_kind, IdKinds.FirstId(_kind), _blockSize));
        Timers.StartSingleTimer("lease", LeaseTimedOut.Instance, LeaseTimeout);
    }

    private sealed class LeaseTimedOut
    {
        public static readonly LeaseTimedOut Instance = new();
    }
}
