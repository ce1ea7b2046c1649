namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Akka.Persistence;
using AkkaChat.Persistence.Tests.Serialization;
using Xunit.Abstractions;
using static AkkaChat.Persistence.Tests.Journal.EventLog;

/// <summary>Events written through AkkaChat's own journal come back, in order and numbered as written.</summary>
public abstract class ReplaySpec(JournalStore store, ITestOutputHelper output) : JournalSpec(store, output)
{
    [Fact]
    public void Persisted_events_replay_in_order_to_a_new_incarnation()
    {
        var first = StartLog("replay");
        Assert.Empty(first.Replayed);
        Persist(first, 1, "one", "two", "three");
        first.Stop();

        var second = StartLog("replay");

        Assert.Equal(new object[] { "one", "two", "three" }, second.ReplayedEvents);
        Assert.Equal(new long[] { 1, 2, 3 }, second.ReplayedSequenceNrs);
        Assert.Equal(3, second.LastSequenceNr);
    }

    [Fact]
    public void Persisted_events_replay_in_order_in_a_new_actor_system_on_the_same_storage()
    {
        var before = StartLog("restart");
        Persist(before, 1, "one", "two", "three");
        Terminate(Sys);

        var after = StartLog("restart", StartSystem());

        Assert.Equal(new object[] { "one", "two", "three" }, after.ReplayedEvents);
        Assert.Equal(new long[] { 1, 2, 3 }, after.ReplayedSequenceNrs);
        Persist(after, 4, "four");
    }

    [Fact]
    public void PersistAll_stores_every_event_and_numbering_continues_after_recovery()
    {
        var first = StartLog("batch");
        first.Ref.Tell(new AppendAll("a", "b", "c", "d"));
        ExpectStored(first, 1, "a", "b", "c", "d");
        first.Stop();
        Assert.Equal(new long[] { 1, 2, 3, 4 }, Store.SequenceNrs("batch"));

        var second = StartLog("batch");
        Assert.Equal(new object[] { "a", "b", "c", "d" }, second.ReplayedEvents);
        Assert.Equal(4, second.LastSequenceNr);
        second.Ref.Tell(new AppendAll("e", "f"));
        ExpectStored(second, 5, "e", "f");

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, Store.SequenceNrs("batch"));
    }

    [Fact]
    public void Recovery_up_to_a_sequence_number_replays_only_that_far()
    {
        var writer = StartLog("bounded");
        Persist(writer, 1, "one", "two", "three", "four", "five");
        writer.Stop();

        var bounded = StartLog("bounded", recovery: new Recovery(SnapshotSelectionCriteria.Latest, toSequenceNr: 3));

        Assert.Equal(new object[] { "one", "two", "three" }, bounded.ReplayedEvents);
        Assert.Equal(new long[] { 1, 2, 3 }, bounded.ReplayedSequenceNrs);
    }

    /// <summary>
    /// An event can serialize to no bytes (a protobuf message with every field at its default) under an empty manifest
    /// (byte arrays have none): both are stored as empty values, not as NULL, and replay.
    /// </summary>
    [Fact]
    public void An_event_of_no_bytes_under_no_manifest_replays()
    {
        var writer = StartLog("empty");
        Persist(writer, 1, Array.Empty<byte>(), new byte[] { 1, 2 });
        writer.Stop();
        Assert.Equal(0, Store.RowsWithNullPayloadOrManifest("empty"));

        var reader = StartLog("empty");

        Assert.Equal(2, reader.Replayed.Count);
        Assert.Empty(Assert.IsType<byte[]>(reader.ReplayedEvents[0]));
        Assert.Equal(new byte[] { 1, 2 }, Assert.IsType<byte[]>(reader.ReplayedEvents[1]));
    }

    /// <summary>Chat events go through the chat serializer and its string manifests, unlike the strings above.</summary>
    [Fact]
    public void Every_chat_event_replays_equal_to_what_was_persisted()
    {
        var events = SampleEvents.All.Select(s => (object)s.Event).ToArray();
        var writer = StartLog("chat-events");
        Persist(writer, 1, events);
        writer.Stop();

        var reader = StartLog("chat-events");

        Assert.Equal(events.Length, reader.Replayed.Count);
        for (var i = 0; i < events.Length; i++)
        {
            Assert.NotSame(events[i], reader.ReplayedEvents[i]);
            StructuralAssert.Equivalent(events[i], reader.ReplayedEvents[i]);
        }
    }

    public sealed class Sqlite(ITestOutputHelper output) : ReplaySpec(new TempJournalFile(), output);

    public sealed class Postgres(ITestOutputHelper output) : ReplaySpec(new TempJournalDatabase(), output);
}
