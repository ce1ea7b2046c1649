namespace AkkaChat.Edge.Hosting;

using Akka.Actor;
using Akka.Cluster;

/// <summary>
/// Logs the membership changes an operator acts on, one short line each: a member Up, reachable again, or removed
/// (downed members at Warning). Akka's own cluster entries are off below Debug (<c>akka.cluster.log-info</c>); Akka still
/// logs a member becoming unreachable, at Warning. A lone node's own Up is not news: it is logged at Debug.
/// </summary>
public sealed class ClusterMembersLog : ReceiveActor
{
    public ClusterMembersLog(ILogger log, bool lone)
    {
        var cluster = Cluster.Get(Context.System);
        var self = cluster.SelfAddress;
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (up.Member.Address != self) log.LogInformation("Cluster member up: {Member}", up.Member.Address);
            else if (lone) log.LogDebug("This node is Up as a cluster of one: {Member}", self);
            else log.LogInformation("This node joined the cluster: {Member}", self);
        });
        Receive<ClusterEvent.ReachableMember>(reachable => log.LogInformation("Cluster member reachable again: {Member}", reachable.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (removed.Member.Address == self) log.Log(lone ? LogLevel.Debug : LogLevel.Information, "This node left the cluster: {Member}", self);
            else if (removed.PreviousStatus == MemberStatus.Down) log.LogWarning("Cluster member removed after being downed: {Member}", removed.Member.Address);
            else log.LogInformation("Cluster member left: {Member}", removed.Member.Address);
        });
    }

    public static Props Props(ILogger log, bool lone) => Akka.Actor.Props.Create(() => new ClusterMembersLog(log, lone));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.ReachableMember), typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
}
