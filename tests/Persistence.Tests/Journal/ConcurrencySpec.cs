namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Xunit.Abstractions;
using static AkkaChat.Persistence.Tests.Journal.EventLog;

/// <summary>Many persistent actors writing through one journal at the same time lose nothing and mix nothing up.</summary>
public abstract class ConcurrencySpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    private const int Actors = 50;
    private const int EventsPerActor = 20;

    [Fact]
    public void Fifty_actors_persisting_at_once_store_and_replay_every_event()
    {
        var logs = Enumerable.Range(1, Actors).Select(a => StartLog(Id(a))).ToList();

        // One event per actor per round, all sent before any store is awaited: every actor has writes in flight together.
        for (var e = 1; e <= EventsPerActor; e++)
            for (var a = 1; a <= Actors; a++)
                logs[a - 1].Ref.Tell(new Append(Event(a, e)));
        for (var a = 1; a <= Actors; a++)
            ExpectStored(logs[a - 1], 1, Events(a));
        foreach (var log in logs) log.Stop();

        Assert.Equal(Actors * EventsPerActor, Store.RowCount());
        for (var a = 1; a <= Actors; a++)
        {
            var recovered = StartLog(Id(a));
            Assert.Equal(Events(a), recovered.ReplayedEvents);
            Assert.Equal(Enumerable.Range(1, EventsPerActor).Select(e => (long)e), recovered.ReplayedSequenceNrs);
        }
    }

    private static string Id(int actor) => $"actor-{actor}";

    private static string Event(int actor, int e) => $"event {e} of actor {actor}";

    private static object[] Events(int actor) => Enumerable.Range(1, EventsPerActor).Select(e => (object)Event(actor, e)).ToArray();

    public sealed class Sqlite(ITestOutputHelper output) : ConcurrencySpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : ConcurrencySpec(new TempJournalDatabase(), output);
}
