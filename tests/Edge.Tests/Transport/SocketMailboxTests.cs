namespace AkkaChat.Edge.Tests.Transport;

using Akka.Actor;
using Akka.Dispatch;
using Akka.TestKit.Xunit2;
using AkkaChat.Edge.Transport;

/// <summary>
/// The connection actors' mailbox: first in, first out however the ring wraps and grows, put-back for stashing,
/// no message lost or reordered per sender under concurrent senders, and a burst's large array released once drained.
/// </summary>
public sealed class SocketMailboxTests() : TestKit($"{SocketMailbox.Id}.mailbox-type = \"{typeof(SocketMailbox).AssemblyQualifiedName}\"")
{
    private static Envelope Message(int n) => new(n, ActorRefs.NoSender);

    private static List<int> Drain(SocketMessageQueue queue)
    {
        var taken = new List<int>();
        while (queue.TryDequeue(out var envelope)) taken.Add((int)envelope.Message);
        return taken;
    }

    [Fact]
    public void Messages_come_out_in_order_while_the_ring_wraps_and_grows()
    {
        var queue = new SocketMessageQueue();
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Capacity);

        var next = 0;
        var expected = 0;
        for (var round = 0; round < 50; round++)
        {
            // Three in, two out: the head walks around the array and the array grows with the backlog.
            for (var i = 0; i < 3; i++) queue.Enqueue(ActorRefs.Nobody, Message(next++));
            for (var i = 0; i < 2; i++)
            {
                Assert.True(queue.TryDequeue(out var envelope));
                Assert.Equal(expected++, envelope.Message);
            }
        }
        Assert.Equal(50, queue.Count);
        Assert.True(queue.HasMessages);
        Assert.Equal(Enumerable.Range(expected, 50), Drain(queue));
        Assert.False(queue.HasMessages);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Put_back_messages_come_first_in_the_order_they_were_put_back_from_last_to_first()
    {
        var queue = new SocketMessageQueue();
        for (var i = 10; i < 13; i++) queue.Enqueue(ActorRefs.Nobody, Message(i));
        Assert.True(queue.TryDequeue(out _)); // the head moved: the put-back must wrap to the array's end

        // Unstashing puts stashed messages back last first, so they run in their original order.
        for (var i = 5; i >= 0; i--) queue.EnqueueFirst(Message(i));
        Assert.Equal([0, 1, 2, 3, 4, 5, 11, 12], Drain(queue));
    }

    [Fact]
    public void A_drained_burst_lets_its_large_array_go()
    {
        var queue = new SocketMessageQueue();
        for (var i = 0; i < 1000; i++) queue.Enqueue(ActorRefs.Nobody, Message(i));
        Assert.True(queue.Capacity >= 1000);

        Assert.Equal(Enumerable.Range(0, 1000), Drain(queue));
        Assert.True(queue.Capacity <= SocketMessageQueue.RetainedCapacity, $"an idle queue kept {queue.Capacity} slots");

        // A small working set keeps its array rather than reallocating on every message.
        queue.Enqueue(ActorRefs.Nobody, Message(1));
        var small = queue.Capacity;
        Drain(queue);
        Assert.Equal(small, queue.Capacity);
    }

    [Fact]
    public async Task Concurrent_senders_lose_nothing_and_each_sender_keeps_its_order()
    {
        const int Senders = 4;
        const int PerSender = 20_000;
        var queue = new SocketMessageQueue();
        using var start = new Barrier(Senders + 1);
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            for (var i = 0; i < PerSender; i++) queue.Enqueue(ActorRefs.Nobody, Message(s * PerSender + i));
        })).ToArray();

        start.SignalAndWait(TimeSpan.FromSeconds(10));
        var last = Enumerable.Repeat(-1, Senders).ToArray();
        var received = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (received < Senders * PerSender && DateTime.UtcNow < deadline)
        {
            if (!queue.TryDequeue(out var envelope))
            {
                Thread.Yield();
                continue;
            }
            var n = (int)envelope.Message;
            var sender = n / PerSender;
            Assert.True(n % PerSender == last[sender] + 1, $"sender {sender}: {n % PerSender} after {last[sender]}");
            last[sender] = n % PerSender;
            received++;
        }
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Senders * PerSender, received);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void An_actor_on_this_mailbox_stashes_and_unstashes_in_order()
    {
        var stasher = Sys.ActorOf(Props.Create(() => new Stasher(TestActor)).WithMailbox(SocketMailbox.Id));
        foreach (var text in new[] { "a", "b", "c" }) stasher.Tell(text);
        stasher.Tell(Stasher.Open);
        stasher.Tell("d");
        ExpectMsg("a");
        ExpectMsg("b");
        ExpectMsg("c");
        ExpectMsg("d");
    }

    private sealed class Stasher : UntypedActor, IWithUnboundedStash
    {
        public const string Open = "open";
        private readonly IActorRef _to;

        public Stasher(IActorRef to) => _to = to;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            if (message is Open)
            {
                Become(m => _to.Tell(m));
                Stash.UnstashAll();
            }
            else
            {
                Stash.Stash();
            }
        }
    }
}
