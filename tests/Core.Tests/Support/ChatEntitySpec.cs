namespace AkkaChat.Core.Tests.Support;

using Akka.Actor;
using Xunit.Abstractions;

/// <summary>
/// The idle clock every entity passivates by: its own periodic ticks are not traffic (a 30 s sweep used to keep every
/// user entity alive for good), anything else is.
/// </summary>
public sealed class ChatEntitySpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void An_entity_whose_only_messages_are_its_own_fast_ticks_goes_idle()
    {
        var reports = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new TickingEntity("ticking-1", reports.Ref, TimeSpan.FromMilliseconds(20))));

        reports.ExpectMsg("idle", Timeout);
    }

    [Fact]
    public void Traffic_keeps_an_entity_busy_and_it_goes_idle_once_the_traffic_stops()
    {
        var reports = CreateTestProbe();
        var entity = Sys.ActorOf(Props.Create(() => new TickingEntity("ticking-2", reports.Ref, TimeSpan.FromMilliseconds(20))));

        var busyUntil = DateTime.UtcNow + IdleAfter * 3;
        while (DateTime.UtcNow < busyUntil)
        {
            entity.Tell("traffic");
            reports.ExpectNoMsg(IdleAfter / 6);
        }

        reports.ExpectMsg("idle", Timeout);
    }

    /// <summary>Ticks itself every <c>tickEvery</c> and reports "idle" whenever an idle check finds it idle.</summary>
    private sealed class TickingEntity : ChatEntity
    {
        private readonly TimeSpan _tickEvery;

        public TickingEntity(string id, IActorRef reports, TimeSpan tickEvery)
            : base(IdleAfter)
        {
            PersistenceId = id;
            _tickEvery = tickEvery;
            Command<CheckIdle>(_ =>
            {
                if (IsIdle) reports.Tell("idle");
            });
            Command<Tick>(_ => { });
            Command<string>(_ => { });
        }

        public override string PersistenceId { get; }

        protected override void PreStart()
        {
            base.PreStart();
            StartTicking(Tick.Instance, _tickEvery);
        }
    }

    private sealed class Tick : IEntityTick
    {
        public static readonly Tick Instance = new();
    }
}
