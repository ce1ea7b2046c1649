namespace AkkaChat.Core;

using Akka.Actor;

/// <summary>
/// Events an entity hands its node's journal itself instead of through Akka.Persistence's <c>Persist</c>, when the journal
/// is one of AkkaChat's own (<see cref="ChatSettings.DirectAppends"/>): stored in one transaction, all or none, under
/// sequence numbers from <paramref name="FirstSequenceNr"/> on. The journal answers <paramref name="Entity"/> with
/// <see cref="JournalAppended"/> once they are committed, or <see cref="JournalAppendFailed"/>. Never leaves its node.
/// </summary>
public sealed record JournalAppend(string PersistenceId, long FirstSequenceNr, IReadOnlyList<IChatEvent> Events, IActorRef Entity) : INoSerializationVerificationNeeded;

/// <summary>The journal committed an entity's <see cref="JournalAppend"/>.</summary>
public sealed class JournalAppended : INoSerializationVerificationNeeded
{
    public static readonly JournalAppended Instance = new();

    private JournalAppended()
    {
    }
}

/// <summary>
/// The journal stored nothing of an entity's <see cref="JournalAppend"/>: <paramref name="Rejected"/> when an event could
/// not be serialized (the entity goes on without it), else the write failed (the entity stops and recovers from what is stored).
/// </summary>
public sealed record JournalAppendFailed(Exception Cause, bool Rejected) : INoSerializationVerificationNeeded;
