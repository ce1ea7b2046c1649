namespace AkkaChat.Edge.Sockets;

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
/// A ring buffer under a lock that starts without an array, grows by doubling and lets a large array go once it is
/// drained. Any thread enqueues; only the actor's own turn dequeues or puts back (<see cref="EnqueueFirst"/>).
/// </summary>
public sealed class SocketMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    /// <summary>The first array; most connection actors never hold more messages than this at once.</summary>
    public const int InitialCapacity = 4;

    /// <summary>A drained queue keeps an array up to this size; a larger one (left by a burst) is released.</summary>
    public const int RetainedCapacity = 16;

    // Locks on itself rather than on a separate object: that object would cost every socket another 24 bytes, and no
    // code outside the mailbox holds a reference to the queue.
    private Envelope[] _items = [];
    private int _head;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The length of the current array (what an idle actor holds besides the queue itself).</summary>
    public int Capacity
    {
        get
        {
            lock (this) return _items.Length;
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (this)
        {
            if (_count == _items.Length) Grow();
            _items[(_head + _count) % _items.Length] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (this)
        {
            if (_count == _items.Length) Grow();
            _head = (_head - 1 + _items.Length) % _items.Length;
            _items[_head] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (this)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }
            envelope = _items[_head];
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            Volatile.Write(ref _count, _count - 1);
            if (_count == 0)
            {
                _head = 0;
                if (_items.Length > RetainedCapacity) _items = new Envelope[InitialCapacity];
            }
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }

    private void Grow()
    {
        var larger = new Envelope[Math.Max(InitialCapacity, _items.Length * 2)];
        for (var i = 0; i < _count; i++) larger[i] = _items[(_head + i) % _items.Length];
        _items = larger;
        _head = 0;
    }
}
