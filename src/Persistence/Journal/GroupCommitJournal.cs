namespace AkkaChat.Persistence.Journal;

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using AkkaChat.Core;

/// <summary>
/// What AkkaChat's journals share whatever the database: persists are serialized on the journal's thread and handed to
/// one <see cref="GroupCommitWriter"/>, which commits everything waiting as one transaction. Subclasses own the writer
/// and the reads (recovery, highest sequence number, deletion), in the table layout of Akka.Persistence.Sql, so its
/// read journal and snapshot store keep working on the same database. Tags are not supported: a tagged event is
/// rejected (the persist fails with a clear reason; nothing is stored).
/// </summary>
public abstract class GroupCommitJournal : AsyncWriteJournal
{
    protected GroupCommitJournal(Config config, string name)
    {
        ConnectionString = config.GetString("connection-string", "");
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new ConfigurationException($"the {name} journal needs a connection-string");
        Serialization = Context.System.Serialization;
        Commits = new GroupCommitSettings(
            config.GetInt("max-rows-per-commit", 1000),
            config.GetInt("queue-capacity", 8192),
            config.GetTimeSpan("gather", TimeSpan.FromMilliseconds(1)),
            config.GetInt("gather-rows", 32));
    }

    protected string ConnectionString { get; }

    /// <summary>How the writer groups commits, read from the plugin's HOCON.</summary>
    protected GroupCommitSettings Commits { get; }

    protected Akka.Serialization.Serialization Serialization { get; }

    /// <summary>The writer; created by the subclass's constructor.</summary>
    protected abstract GroupCommitWriter Writer { get; }

    protected override void PostStop()
    {
        Writer.Dispose();
        base.PostStop();
    }

    /// <summary>
    /// Persists skip <see cref="AsyncWriteJournal"/>'s write path: its circuit breaker, its async continuation and its
    /// resequencer, a single actor every write's answers pass through in order, which cost two thread-pool work items per
    /// persist and made one more serial stage on the 1:1 path. Order per persistent actor holds without it: an actor has
    /// one write in flight at a time, and the writer commits in arrival order. An entity's <see cref="JournalAppend"/>
    /// (its events without Akka.Persistence's envelopes) takes the same path. Recovery, highest sequence numbers and
    /// deletions still take <see cref="AsyncWriteJournal"/>'s path.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        switch (message)
        {
            case JournalAppend append:
                Write(append);
                return true;
            case WriteMessages write:
                Write(write);
                return true;
            default:
                return base.AroundReceive(receive, message);
        }
    }

    /// <summary>Never called: <see cref="AroundReceive"/> takes every <see cref="WriteMessages"/> first.</summary>
    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("GroupCommitJournal writes in AroundReceive, not through AsyncWriteJournal");

    /// <summary>
    /// Serializes each write here, on the journal's thread (a payload that cannot be serialized is rejected on its own),
    /// then hands all of the request's rows to the writer as one unit: they commit together or not at all.
    /// </summary>
    private void Write(WriteMessages request)
    {
        var timestamp = DateTime.UtcNow.Ticks;
        var count = request.Messages.Count();
        var rows = new List<JournalRow>(count); // a write is one event, mostly
        Exception?[]? rejections = null; // by write, once one is rejected
        var writes = 0;
        foreach (var envelope in request.Messages)
        {
            if (envelope is not AtomicWrite write) continue;
            var payloads = (IImmutableList<IPersistentRepresentation>)write.Payload;
            var first = rows.Count;
            try
            {
                for (var i = 0; i < payloads.Count; i++) rows.Add(Serialize(AdaptToJournal(payloads[i]), timestamp));
            }
            catch (Exception e)
            {
                rows.RemoveRange(first, rows.Count - first); // a write is stored whole or not at all
                (rejections ??= new Exception?[count])[writes] = e;
            }
            writes++;
        }
        var answer = new WriteAnswer(rows, request, writes, rejections, Self);
        if (rows.Count == 0) answer.Committed(); // nothing to store: rejected, or no events
        else Writer.Enqueue(answer);
    }

    /// <summary>An entity's events, serialized here and stored as one unit; an event that cannot be serialized rejects them all.</summary>
    private void Write(JournalAppend append)
    {
        var timestamp = DateTime.UtcNow.Ticks;
        var rows = new JournalRow[append.Events.Count];
        try
        {
            for (var i = 0; i < rows.Length; i++) rows[i] = Serialize(append.PersistenceId, append.FirstSequenceNr + i, append.Events[i], timestamp);
        }
        catch (Exception e)
        {
            append.Entity.Tell(new JournalAppendFailed(e, Rejected: true), Self);
            return;
        }
        Writer.Enqueue(new AppendAnswer(rows, append.Entity, Self));
    }

    private JournalRow Serialize(IPersistentRepresentation message, long timestamp)
    {
        if (message.Payload is Tagged)
            throw new NotSupportedException("AkkaChat's journals do not store tags");
        return Serialize(message.PersistenceId, message.SequenceNr, message.Payload, timestamp);
    }

    private JournalRow Serialize(string persistenceId, long sequenceNr, object payload, long timestamp)
    {
        var serializer = Serialization.FindSerializerFor(payload);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, payload);
        return new JournalRow(persistenceId, sequenceNr, serializer.ToBinary(payload), manifest, serializer.Identifier, timestamp);
    }

    /// <summary>A stored row as recovery replays it.</summary>
    protected IPersistentRepresentation Replayed(string persistenceId, long sequenceNr, long timestamp, byte[] payload, string? manifest, int serializerId) =>
        new Persistent(Serialization.Deserialize(payload, serializerId, manifest ?? ""), sequenceNr, persistenceId, manifest ?? "", false, ActorRefs.NoSender, null, timestamp);

    /// <summary>What an entity hears once the writer has committed its <see cref="JournalAppend"/>, or failed to.</summary>
    private sealed class AppendAnswer(JournalRow[] rows, IActorRef entity, IActorRef journal) : PendingWrite(rows)
    {
        public override void Committed() => entity.Tell(JournalAppended.Instance, journal);

        public override void Failed(Exception e) => entity.Tell(new JournalAppendFailed(e, Rejected: false), journal);
    }

    /// <summary>What the persistent actor hears once the writer has committed its rows, or failed to: what AsyncWriteJournal would say.</summary>
    private sealed class WriteAnswer(List<JournalRow> rows, WriteMessages request, int writes, Exception?[]? rejections, IActorRef journal) : PendingWrite(rows)
    {
        public override void Committed()
        {
            request.PersistentActor.Tell(WriteMessagesSuccessful.Instance, journal);
            AnswerEach(null);
        }

        public override void Failed(Exception e)
        {
            request.PersistentActor.Tell(new WriteMessagesFailed(e, writes), journal);
            AnswerEach(e);
        }

        /// <summary>Each event's answer, from its own sender: stored, rejected on its own, or failed with <paramref name="failure"/>.</summary>
        private void AnswerEach(Exception? failure)
        {
            var actor = request.PersistentActor;
            var instance = request.ActorInstanceId;
            var index = 0;
            foreach (var envelope in request.Messages)
            {
                if (envelope is not AtomicWrite write)
                {
                    actor.Tell(new LoopMessageSuccess(envelope.Payload, instance), envelope.Sender);
                    continue;
                }
                var rejection = rejections?[index];
                index++;
                foreach (var persistent in (IImmutableList<IPersistentRepresentation>)write.Payload)
                {
                    object answer = failure is not null ? new WriteMessageFailure(persistent, failure, instance)
                        : rejection is not null ? new WriteMessageRejected(persistent, rejection, instance)
                        : new WriteMessageSuccess(persistent, instance);
                    actor.Tell(answer, persistent.Sender);
                }
            }
        }
    }
}
