namespace AkkaChat.Edge.Admin;

using Akka.Actor;
using Akka.Cluster;

/// <summary>
/// <c>cluster leave|down|join</c>: Akka.Cluster's own Leave, Down and Join, asked of this node. Leave and down name a
/// current member; join makes this node join the cluster at the address given.
/// </summary>
public sealed class ClusterMembership(ActorSystem system)
{
    private readonly Cluster _cluster = Cluster.Get(system);

    public MembershipChange Leave(string address) => Change(address, memberOnly: true, a => _cluster.Leave(a));

    public MembershipChange Down(string address) => Change(address, memberOnly: true, a => _cluster.Down(a));

    public MembershipChange Join(string address) => Change(address, memberOnly: false, a => _cluster.Join(a));

    private MembershipChange Change(string address, bool memberOnly, Action<Address> change)
    {
        if (Parse(address) is not { } parsed) return new MembershipChange(MembershipOutcome.BadAddress, $"'{address}' is not a node address such as akka.tcp://akkachat@127.0.0.1:4053");
        if (memberOnly && !_cluster.State.Members.Any(m => m.Address.Equals(parsed))) return new MembershipChange(MembershipOutcome.NotAMember, $"{parsed} is not a member of this cluster");
        change(parsed);
        return new MembershipChange(MembershipOutcome.Requested, parsed.ToString());
    }

    private static Address? Parse(string address)
    {
        try
        {
            var parsed = Address.Parse(address.Trim());
            return parsed.HasGlobalScope && parsed.Port is > 0 ? parsed : null;
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return null;
        }
    }
}

public enum MembershipOutcome
{
    Requested,
    BadAddress,
    NotAMember,
}

/// <summary>What became of a leave, down or join: on <see cref="MembershipOutcome.Requested"/>, <paramref name="Detail"/> is the address as Akka reads it, otherwise why not.</summary>
public sealed record MembershipChange(MembershipOutcome Outcome, string Detail);
