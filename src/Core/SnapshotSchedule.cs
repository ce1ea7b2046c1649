namespace AkkaChat.Core;

/// <summary>
/// When an entity saves a snapshot: once every <see cref="ChatSettings.SnapshotEvery"/> events, at a point of its own
/// within that interval (its phase). Entities that take the same traffic (a load test, a busy evening) would otherwise
/// all reach event 500 within the same second and write hundreds of snapshots at once: 800 users at 10,000 msgs/s
/// stalled every message for ~1.5 s that way (docs/BENCHMARKS.md). A recovery still replays fewer than
/// <see cref="ChatSettings.SnapshotEvery"/> events after the latest snapshot.
/// </summary>
public static class SnapshotSchedule
{
    /// <summary>Whether the event with <paramref name="sequenceNr"/> is followed by a snapshot, for an entity of <paramref name="phase"/>.</summary>
    public static bool IsDue(long sequenceNr, int phase, int every) => (sequenceNr + phase) % every == 0;

    /// <summary>
    /// The phase of <paramref name="persistenceId"/> in [0, <paramref name="every"/>): a hash that is the same in every
    /// process and on every node (FNV-1a of its characters, then MurmurHash3's finalizer to spread consecutive ids).
    /// </summary>
    public static int Phase(string persistenceId, int every)
    {
        var hash = 2166136261u;
        foreach (var c in persistenceId) hash = (hash ^ c) * 16777619u;
        hash ^= hash >> 16;
        hash *= 0x85ebca6bu;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35u;
        hash ^= hash >> 16;
        return (int)(hash % (uint)every);
    }
}
