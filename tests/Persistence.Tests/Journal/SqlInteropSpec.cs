namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaChat.Persistence.Storage;
using Xunit.Abstractions;

/// <summary>
/// AkkaChat's own journal and Akka.Persistence.Sql share one database both ways: the SQL read journal (history,
/// resume) reads what this journal wrote, and this journal recovers what the SQL journal wrote.
/// </summary>
public abstract class SqlInteropSpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    [Fact]
    public async Task The_sql_read_journal_reads_the_events_this_journal_wrote()
    {
        var log = StartLog("read-by-sql");
        Persist(log, 1, "one", "two", "three");

        var envelopes = await PersistenceQuery.Get(Sys)
            .ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentEventsByPersistenceId("read-by-sql", 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer())
            .WaitAsync(Timeout);

        Assert.Equal(new object[] { "one", "two", "three" }, envelopes.Select(e => e.Event));
        Assert.Equal(new long[] { 1, 2, 3 }, envelopes.Select(e => e.SequenceNr));
        Assert.All(envelopes, e => Assert.Equal("read-by-sql", e.PersistenceId));
    }

    [Fact]
    public void This_journal_recovers_the_events_the_sql_journal_wrote_and_numbers_on()
    {
        var sqlSystem = StartSystem(JournalKind.Sql);
        var written = StartLog("written-by-sql", sqlSystem);
        Persist(written, 1, "one", "two", "three");
        Terminate(sqlSystem);

        var recovered = StartLog("written-by-sql");

        Assert.Equal(new object[] { "one", "two", "three" }, recovered.ReplayedEvents);
        Assert.Equal(new long[] { 1, 2, 3 }, recovered.ReplayedSequenceNrs);
        Persist(recovered, 4, "four");
        Assert.Equal(new long[] { 1, 2, 3, 4 }, Store.SequenceNrs("written-by-sql"));
    }

    public sealed class Sqlite(ITestOutputHelper output) : SqlInteropSpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : SqlInteropSpec(new TempJournalDatabase(), output);
}
