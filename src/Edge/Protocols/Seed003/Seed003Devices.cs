namespace AkkaChat.Edge.Protocols.Seed003;

using System.Collections.Concurrent;
using Akka.Actor;
using AkkaChat.Core.Ids;

/// <summary>
/// The signed seed-003 connections of this node by (user, device): a device that signs in again on a new connection
/// replaces its older one, which is closed. Node-local: the same device on two nodes is not detected (PROTOCOL.md §4).
/// </summary>
public sealed class Seed003Devices
{
    private readonly ConcurrentDictionary<(long User, long Device), IActorRef> _signed = new();

    public int Count => _signed.Count;

    /// <summary>Records <paramref name="connection"/> as the device's connection; the one it replaces, if any.</summary>
    public IActorRef? Register(UserId user, long device, IActorRef connection)
    {
        IActorRef? replaced = null;
        _signed.AddOrUpdate((user.Value, device), connection, (_, previous) =>
        {
            replaced = previous;
            return connection;
        });
        return replaced is not null && !replaced.Equals(connection) ? replaced : null;
    }

    /// <summary>The connection ended; its entry goes unless a newer connection of the device has taken it.</summary>
    public void Remove(UserId user, long device, IActorRef connection) =>
        _signed.TryRemove(KeyValuePair.Create((user.Value, device), connection));
}
