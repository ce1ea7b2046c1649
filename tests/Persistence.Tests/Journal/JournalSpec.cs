namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using AkkaChat.Persistence.Storage;
using Xunit.Abstractions;
using static AkkaChat.Persistence.Tests.Journal.EventLog;

/// <summary>
/// Base of the journal specs: the test's actor system (and any it starts later) writes through AkkaChat's own journal
/// to a real <see cref="JournalStore"/> of its own, removed when the test ends. Each spec is abstract and runs once per
/// storage, through its nested <c>Sqlite</c> and <c>Postgres</c> classes.
/// </summary>
public abstract class JournalSpec : TestKit
{
    /// <summary>Upper bound of every wait for something that should happen.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<ActorSystem> _systems = [];

    protected JournalSpec(JournalStore store, ITestOutputHelper output)
        : base(store.Config(), output: output)
    {
        Store = store;
    }

    protected JournalStore Store { get; }

    /// <summary>Another actor system on the same storage, writing through <paramref name="journal"/>; shut down with the test at the latest.</summary>
    protected ActorSystem StartSystem(JournalKind journal = JournalKind.Native)
    {
        var system = ActorSystem.Create($"journal-{_systems.Count + 1}", Store.Config(journal));
        _systems.Add(system);
        return system;
    }

    protected void Terminate(ActorSystem system) => Shutdown(system, Timeout, verifySystemShutdown: true);

    /// <summary>Starts an <see cref="EventLog"/> in <paramref name="system"/> (the test's by default) and waits until it has recovered.</summary>
    protected RunningLog StartLog(string persistenceId, ActorSystem? system = null, Recovery? recovery = null)
    {
        system ??= Sys;
        var monitor = CreateTestProbe(system);
        var log = system.ActorOf(EventLog.Props(persistenceId, monitor.Ref, recovery));
        var replayed = new List<Replayed>();
        while (true)
        {
            switch (monitor.ExpectMsg<object>(Timeout))
            {
                case Replayed r:
                    replayed.Add(r);
                    break;
                case Recovered recovered:
                    return new RunningLog(log, monitor, replayed, recovered.LastSequenceNr);
                case var other:
                    Assert.Fail($"unexpected report while {persistenceId} recovers: {other}");
                    break;
            }
        }
    }

    /// <summary>
    /// Tells <paramref name="log"/> to persist <paramref name="events"/> one by one and waits until each is stored,
    /// numbered on from <paramref name="firstSequenceNr"/>.
    /// </summary>
    protected static void Persist(RunningLog log, long firstSequenceNr, params object[] events)
    {
        log.Ref.Tell(new Append(events));
        ExpectStored(log, firstSequenceNr, events);
    }

    /// <summary>Tells <paramref name="log"/> to delete its events up to <paramref name="toSequenceNr"/> and waits until it has.</summary>
    protected static void DeleteTo(RunningLog log, long toSequenceNr)
    {
        log.Ref.Tell(new Delete(toSequenceNr));
        log.Monitor.ExpectMsg(new Deleted(toSequenceNr), Timeout);
    }

    protected static void ExpectStored(RunningLog log, long firstSequenceNr, params object[] events)
    {
        for (var i = 0; i < events.Length; i++)
            log.Monitor.ExpectMsg(new Stored(events[i], firstSequenceNr + i), Timeout);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
            foreach (var system in _systems) Terminate(system);
        }
        finally
        {
            Store.Dispose();
        }
    }

    /// <summary>A recovered <see cref="EventLog"/>: what it replayed, where its numbering stood, and the probe it reports to.</summary>
    protected sealed record RunningLog(IActorRef Ref, TestProbe Monitor, IReadOnlyList<Replayed> Replayed, long LastSequenceNr)
    {
        public IReadOnlyList<object> ReplayedEvents => Replayed.Select(r => r.Event).ToList();

        public IReadOnlyList<long> ReplayedSequenceNrs => Replayed.Select(r => r.SequenceNr).ToList();

        /// <summary>Stops the actor and waits until it has terminated, so the next incarnation recovers from the journal alone.</summary>
        public void Stop()
        {
            Monitor.Watch(Ref);
            Ref.Tell(PoisonPill.Instance);
            Monitor.ExpectTerminated(Ref, Timeout);
        }
    }
}
