namespace AkkaChat.Persistence.Tests.Journal;

using Xunit.Abstractions;

/// <summary>
/// The journal's tables as <c>ChatStorage.Prepare</c> leaves them: events indexed by persistence id and sequence number
/// (and by ordering), without the two indexes Akka.Persistence.Sql adds on the time column and on <c>sequence_nr</c>
/// alone, which an older file or database loses at start, keeping its events.
/// </summary>
/// <param name="timeColumn">The journal's time column on this storage (Akka.Persistence.Sql's names differ).</param>
/// <param name="indexes">The journal table's indexes once prepared.</param>
public abstract class JournalSchemaSpec(JournalStore store, string timeColumn, string[] indexes, ITestOutputHelper output)
    : JournalSpec(store, output)
{
    [Fact]
    public void A_new_storage_indexes_events_by_persistence_id_and_sequence_number_only()
    {
        Assert.Equal(indexes, Store.JournalIndexes());
    }

    [Fact]
    public void An_older_storage_with_the_indexes_Akka_Persistence_Sql_adds_loses_them_and_keeps_its_events()
    {
        Store.Execute($"""
            CREATE INDEX event_journal_{timeColumn}_idx ON event_journal ({timeColumn});
            CREATE INDEX event_journal_sequence_nr_idx ON event_journal (sequence_nr);
            """);
        var log = StartLog("kept");
        Persist(log, 1, "one");
        log.Stop();

        Store.Storage.Prepare();
        Store.Storage.Prepare(); // idempotent

        Assert.Equal(indexes, Store.JournalIndexes());
        Assert.Equal(new long[] { 1 }, Store.SequenceNrs("kept"));
    }

    public sealed class Sqlite(ITestOutputHelper output)
        : JournalSchemaSpec(new TempJournalFile(), "timestamp", ["event_journal_uq"], output);

    public sealed class Postgres(ITestOutputHelper output)
        : JournalSchemaSpec(new TempJournalDatabase(), "created_at", ["PK_event_journal", "event_journal_uq"], output);
}
