namespace AkkaChat.Core.Tests;

/// <summary>Snapshots come once per interval for each entity, at points spread over the interval across entities.</summary>
public sealed class SnapshotScheduleSpec
{
    [Theory]
    [InlineData("user-10000", 5)]
    [InlineData("user-10001", 500)]
    [InlineData("room-100", 500)]
    [InlineData("idblock-user", 7)]
    public void Each_entity_snapshots_exactly_once_in_any_run_of_interval_events(string persistenceId, int every)
    {
        var phase = SnapshotSchedule.Phase(persistenceId, every);
        Assert.InRange(phase, 0, every - 1);
        for (long start = 1; start <= 3L * every; start += every / 3 + 1)
        {
            var due = 0;
            for (var seq = start; seq < start + every; seq++)
                if (SnapshotSchedule.IsDue(seq, phase, every)) due++;
            Assert.Equal(1, due);
        }
    }

    [Fact]
    public void Entities_under_the_same_load_do_not_snapshot_at_the_same_event()
    {
        // 800 users that all took 500 events: unspread, all 800 snapshot at event 500, at once.
        const int every = 500;
        var firstSnapshotAt = Enumerable.Range(10_000, 800)
            .Select(id => SnapshotSchedule.Phase("user-" + id, every))
            .Select(phase => Enumerable.Range(1, every).First(seq => SnapshotSchedule.IsDue(seq, phase, every)))
            .ToList();

        var busiest = firstSnapshotAt.GroupBy(seq => seq).Max(g => g.Count());
        Assert.True(busiest <= 10, $"{busiest} of 800 entities snapshot at the same event");
        Assert.True(firstSnapshotAt.Distinct().Count() >= 350, $"only {firstSnapshotAt.Distinct().Count()} distinct snapshot points of {every}");
    }

    [Fact]
    public void The_phase_is_the_same_in_every_process()
    {
        // string.GetHashCode is randomized per process: a phase built on it would move with every restart and
        // could leave up to twice the interval to replay. These values are fixed by the hash's definition.
        Assert.Equal(1, SnapshotSchedule.Phase("user-10000", 5));
        Assert.Equal(100, SnapshotSchedule.Phase("user-10001", 500));
        Assert.Equal(291, SnapshotSchedule.Phase("room-100", 500));
    }
}
