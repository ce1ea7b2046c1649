namespace AkkaChat.Edge.Hosting;

using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using AkkaChat.Core;
using AkkaChat.Core.Accounts;
using AkkaChat.Core.Rooms;
using AkkaChat.Core.Users;

/// <summary>Registry keys for the node-local actors.</summary>
public sealed class UserIdLeaserKey;

public sealed class RoomIdLeaserKey;

public sealed class RoomFanoutKey;

/// <summary>
/// The live topology: shard regions from the actor registry (resolved on first use, after they start),
/// and the room fan-out actor of every Up member, cached until membership changes.
/// </summary>
public sealed class ShardedTopology(ActorSystem system, IActorRegistry registry) : IChatTopology
{
    private readonly Cluster _cluster = Cluster.Get(system);
    private IReadOnlyList<NodeFanout> _fanouts = [];
    private object? _fanoutMembers;

    public IActorRef Users => registry.Get<UserEntity>();
    public IActorRef Rooms => registry.Get<RoomEntity>();
    public IActorRef Accounts => registry.Get<AccountEntity>();
    public IActorRef UserIds => registry.Get<UserIdLeaserKey>();
    public IActorRef RoomIds => registry.Get<RoomIdLeaserKey>();

    public IReadOnlyList<NodeFanout> NodeFanouts
    {
        get
        {
            var members = _cluster.State.Members;
            if (ReferenceEquals(members, _fanoutMembers)) return _fanouts;
            var self = _cluster.SelfAddress;
            _fanouts = members
                .Where(m => m.Status == MemberStatus.Up || m.Status == MemberStatus.Leaving || m.Address.Equals(self))
                .Select(m => new NodeFanout(m.Address, m.Address.Equals(self)
                    ? registry.Get<RoomFanoutKey>()
                    : system.ActorSelection(new RootActorPath(m.Address) / "user" / ShardTypes.RoomFanoutName)))
                .ToList();
            _fanoutMembers = members;
            return _fanouts;
        }
    }
}
