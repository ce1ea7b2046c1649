namespace AkkaChat.Core.Tests.Support;

using Akka.Actor;
using Akka.Cluster.Sharding;

/// <summary>
/// A single-node stand-in for a shard region: one child per entity id, the id taken from the host's own
/// message extractor (so from the <c>IWith…</c> marker), messages forwarded with their original sender.
/// It honours <see cref="Passivate"/> the way a shard does, and lets a test stop an entity and learn when
/// it is gone, so the next message starts a fresh incarnation that recovers from the journal.
/// </summary>
public sealed class EntityRouter : ReceiveActor
{
    private readonly IMessageExtractor _extractor;
    private readonly Func<string, Props> _entityProps;
    private readonly Dictionary<string, IActorRef> _entities = [];
    private readonly Dictionary<IActorRef, string> _idsByEntity = [];
    private readonly Dictionary<string, Stopping> _stopping = [];
    private int _incarnations;

    public EntityRouter(IMessageExtractor extractor, Func<string, Props> entityProps)
    {
        _extractor = extractor;
        _entityProps = entityProps;

        Receive<StopEntity>(HandleStop);
        Receive<GetLiveEntities>(_ => Sender.Tell(new LiveEntities([.. _entities.Keys.Where(id => !_stopping.ContainsKey(id))])));
        Receive<Passivate>(HandlePassivate);
        Receive<Terminated>(HandleTerminated);
        ReceiveAny(Route);
    }

    public static Props Props(IMessageExtractor extractor, Func<string, Props> entityProps) =>
        Akka.Actor.Props.Create(() => new EntityRouter(extractor, entityProps));

    private void Route(object message)
    {
        var id = _extractor.EntityId(message);
        if (id is null)
        {
            Unhandled(message);
            return;
        }
        var payload = _extractor.EntityMessage(message) ?? message;
        if (_stopping.TryGetValue(id, out var stopping))
        {
            // Like a shard: hold messages for an entity that is stopping, hand them to its successor.
            stopping.Buffered.Add((payload, Sender));
            return;
        }
        EntityFor(id).Forward(payload);
    }

    private void HandleStop(StopEntity stop)
    {
        if (!_entities.TryGetValue(stop.EntityId, out var entity))
        {
            Sender.Tell(new EntityStopped(stop.EntityId));
            return;
        }
        BeginStop(stop.EntityId, entity, stop.InOrder ? StopInOrder.Instance : PoisonPill.Instance).Watchers.Add(Sender);
    }

    private void HandlePassivate(Passivate passivate)
    {
        if (_idsByEntity.TryGetValue(Sender, out var id)) BeginStop(id, Sender, passivate.StopMessage);
    }

    private Stopping BeginStop(string id, IActorRef entity, object stopMessage)
    {
        if (_stopping.TryGetValue(id, out var stopping)) return stopping;
        _stopping[id] = stopping = new Stopping();
        entity.Tell(stopMessage);
        return stopping;
    }

    private void HandleTerminated(Terminated terminated)
    {
        if (!_idsByEntity.Remove(terminated.ActorRef, out var id)) return;
        _entities.Remove(id);
        if (!_stopping.Remove(id, out var stopping)) return;
        foreach (var watcher in stopping.Watchers) watcher.Tell(new EntityStopped(id));
        if (stopping.Buffered.Count == 0) return;
        var successor = EntityFor(id);
        foreach (var (message, sender) in stopping.Buffered) successor.Tell(message, sender);
    }

    private IActorRef EntityFor(string id)
    {
        if (_entities.TryGetValue(id, out var entity)) return entity;
        // A fresh name per incarnation: the predecessor's name may not be free yet.
        entity = Context.ActorOf(_entityProps(id), $"{Uri.EscapeDataString(id)}-{++_incarnations}");
        Context.Watch(entity);
        _entities[id] = entity;
        _idsByEntity[entity] = id;
        return entity;
    }

    private sealed class Stopping
    {
        public List<IActorRef> Watchers { get; } = [];

        public List<(object Message, IActorRef Sender)> Buffered { get; } = [];
    }
}

/// <summary>
/// Stop the entity <paramref name="EntityId"/>, with a <see cref="PoisonPill"/> or, <paramref name="InOrder"/>, as a shard hands
/// it off (<see cref="StopInOrder"/>); the sender gets <see cref="EntityStopped"/> once it has terminated.
/// </summary>
public sealed record StopEntity(string EntityId, bool InOrder = false);

public sealed record EntityStopped(string EntityId);

/// <summary>Asks an <see cref="EntityRouter"/> which entities are running and not stopping.</summary>
public sealed record GetLiveEntities
{
    public static readonly GetLiveEntities Instance = new();
}

public sealed record LiveEntities(IReadOnlyList<string> EntityIds);
