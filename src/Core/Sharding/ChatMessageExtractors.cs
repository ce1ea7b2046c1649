namespace AkkaChat.Core.Sharding;

using Akka.Cluster.Sharding;
using AkkaChat.Core.Ids;

/// <summary>
/// Shard routing for every entity kind. The shard count is fixed for the life of a cluster's data
/// (changing it moves entities between shards); 100 is about ten times the largest planned node count.
/// </summary>
public static class ShardCount
{
    public const int Value = 100;
}

public sealed class UserMessageExtractor() : HashCodeMessageExtractor(ShardCount.Value)
{
    public override string? EntityId(object message) => message is IWithUserId m ? m.UserId.ToString() : null;
}

public sealed class RoomMessageExtractor() : HashCodeMessageExtractor(ShardCount.Value)
{
    public override string? EntityId(object message) => message is IWithRoomId m ? m.RoomId.ToString() : null;
}

public sealed class AccountMessageExtractor() : HashCodeMessageExtractor(ShardCount.Value)
{
    public override string? EntityId(object message) => message is IWithMobile m ? m.Mobile : null;
}

public sealed class IdBlockMessageExtractor() : HashCodeMessageExtractor(ShardCount.Value)
{
    public override string? EntityId(object message) => message is IWithIdKind m ? m.Kind : null;
}
