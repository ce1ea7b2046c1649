namespace AkkaChat.Persistence.Tests.Journal;

using Akka.Actor;
using Akka.Persistence;

/// <summary>
/// A persistent actor that stores whatever it is told to and reports to a monitor everything the journal does for
/// it: each replayed event, the end of recovery, each stored or rejected event, each deletion.
/// </summary>
public sealed class EventLog : ReceivePersistentActor
{
    /// <summary>Persist each event on its own (they still reach the journal as one batch).</summary>
    public sealed record Append(params object[] Events);

    /// <summary>Persist all events as one atomic write.</summary>
    public sealed record AppendAll(params object[] Events);

    public sealed record Delete(long ToSequenceNr);

    public sealed record Replayed(object Event, long SequenceNr);

    public sealed record Recovered(long LastSequenceNr);

    public sealed record Stored(object Event, long SequenceNr);

    public sealed record Rejected(object Event, long SequenceNr, Exception Cause);

    public sealed record Deleted(long ToSequenceNr);

    /// <summary>Reported so a spec fails at once with the journal's reason instead of waiting out its timeout.</summary>
    public sealed record PersistFailed(object Event, long SequenceNr, Exception Cause);

    /// <summary>Reported so a spec fails at once with the journal's reason instead of waiting out its timeout.</summary>
    public sealed record RecoveryFailed(Exception Cause);

    private readonly IActorRef _monitor;

    public EventLog(string persistenceId, IActorRef monitor, Recovery recovery)
    {
        PersistenceId = persistenceId;
        Recovery = recovery;
        _monitor = monitor;

        Recover<RecoveryCompleted>(_ => _monitor.Tell(new Recovered(LastSequenceNr)));
        Recover<object>(e => _monitor.Tell(new Replayed(e, LastSequenceNr)));

        Command<Append>(append =>
        {
            // One atomic write per event on purpose: the specs need several writes in one journal batch.
#pragma warning disable AK1006
            foreach (var e in append.Events) Persist(e, Report);
#pragma warning restore AK1006
        });
        Command<AppendAll>(append => PersistAll(append.Events, Report));
        Command<Delete>(delete => DeleteMessages(delete.ToSequenceNr));
        Command<DeleteMessagesSuccess>(success => _monitor.Tell(new Deleted(success.ToSequenceNr)));
        Command<DeleteMessagesFailure>(failure => _monitor.Tell(failure));
    }

    public override string PersistenceId { get; }

    public override Recovery Recovery { get; }

    public static Props Props(string persistenceId, IActorRef monitor, Recovery? recovery = null) =>
        Akka.Actor.Props.Create(() => new EventLog(persistenceId, monitor, recovery ?? Akka.Persistence.Recovery.Default));

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        _monitor.Tell(new Rejected(@event, sequenceNr, cause));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _monitor.Tell(new PersistFailed(@event, sequenceNr, cause));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _monitor.Tell(new RecoveryFailed(reason));
        base.OnRecoveryFailure(reason, message);
    }

    private void Report(object stored) => _monitor.Tell(new Stored(stored, LastSequenceNr));
}
