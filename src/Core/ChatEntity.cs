namespace AkkaChat.Core;

using Akka.Actor;
using Akka.Persistence;

/// <summary>
/// The entity base of <c>UserEntity</c> until it moves onto <see cref="ChatEntity{TState}"/>, which has the same idle clock.
/// A sharded, event-sourced entity that knows when it last had traffic, so it can passivate after
/// <c>entity-idle-timeout</c> without any. A periodic <see cref="CheckIdle"/> tick asks; the entity handles it like any
/// command (so never in the middle of a persist) and passivates if <see cref="IsIdle"/> and nothing else holds it.
/// </summary>
/// <remarks>
/// Why not Akka's <c>SetReceiveTimeout</c>: it reschedules a timer on every message (several allocations per chat
/// message, see docs/BENCHMARKS.md), and every timer tick the entity sends itself counts as traffic — the user
/// entity's 30 s delivery sweep kept every user entity alive forever. Here a tick (<see cref="IEntityTick"/>) is
/// never traffic. Ticks are scheduled with <see cref="StartTicking"/>, not <see cref="Timers"/>: a timer's message
/// reaches <see cref="AroundReceive"/> still wrapped, where it cannot be told apart from traffic.
/// </remarks>
public abstract class ChatEntity : ReceivePersistentActor, IWithTimers
{
    private readonly TimeSpan _idleAfter;
    private readonly List<ICancelable> _ticks = [];
    private long _lastTraffic = Environment.TickCount64;
    private int? _snapshotPhase;

    protected ChatEntity(TimeSpan idleAfter) => _idleAfter = idleAfter;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>No traffic (anything but the entity's own ticks) for the idle timeout.</summary>
    protected bool IsIdle => Environment.TickCount64 - _lastTraffic >= (long)_idleAfter.TotalMilliseconds;

    protected override void PreStart()
    {
        base.PreStart();
        StartTicking(CheckIdle.Instance, TimeSpan.FromTicks(Math.Max(_idleAfter.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks)));
    }

    protected override void PostStop()
    {
        foreach (var tick in _ticks) tick.Cancel();
        base.PostStop();
    }

    /// <summary>Whether the event just persisted (<see cref="Eventsourced.LastSequenceNr"/>) is followed by a snapshot.</summary>
    protected bool SnapshotDue(ChatSettings settings)
    {
        _snapshotPhase ??= settings.SpreadSnapshots ? SnapshotSchedule.Phase(PersistenceId, settings.SnapshotEvery) : 0;
        return SnapshotSchedule.IsDue(LastSequenceNr, _snapshotPhase.Value, settings.SnapshotEvery);
    }

    /// <summary>Sends <paramref name="tick"/> to this entity every <paramref name="period"/> until it stops.</summary>
    protected void StartTicking(IEntityTick tick, TimeSpan period) =>
        _ticks.Add(Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(period, period, Self, tick, Self));

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is not IEntityTick) _lastTraffic = Environment.TickCount64;
        return base.AroundReceive(receive, message);
    }
}
