namespace AkkaChat.Edge.Transport;

using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

/// <summary>
/// The mailbox of connection actors (<c>akkachat.socket-mailbox</c> in akka.conf). A node holds one connection actor
/// per socket and most of them are idle, so the mailbox's resting size is paid per socket: Akka's default
/// (a <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/> with its first 32-slot segment) is about 1 KB,
/// this one about 100 bytes. Unbounded like the default (the bound of a socket is its outbound queue), and a deque,
/// so actors that stash can use it.
/// </summary>
public sealed class SocketMailbox : MailboxType, IProducesMessageQueue<SocketMessageQueue>
{
    public const string Id = "akkachat.socket-mailbox";

    public SocketMailbox(Settings settings, Config config)
        : base(settings, config)
    {
    }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new SocketMessageQueue();
}

/// <summary>
/// A <see cref="Ring{T}"/> of envelopes under a lock. Any thread enqueues; only the actor's own turn dequeues or puts
/// back (<see cref="EnqueueFirst"/>).
/// </summary>
public sealed class SocketMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    /// <summary>A drained queue keeps an array up to this size; a larger one (left by a burst) is released.</summary>
    public const int RetainedCapacity = Ring<Envelope>.RetainedCapacity;

    // Locks on itself rather than on a separate object: that object would cost every socket another 24 bytes, and no
    // code outside the mailbox holds a reference to the queue.
    private Ring<Envelope> _ring;

    public bool HasMessages => _ring.Count > 0;

    public int Count => _ring.Count;

    /// <summary>The length of the current array (what an idle actor holds besides the queue itself).</summary>
    public int Capacity
    {
        get
        {
            lock (this) return _ring.Capacity;
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (this) _ring.AddLast(envelope);
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (this) _ring.AddFirst(envelope);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (this) return _ring.TryTakeFirst(out envelope);
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }
}
