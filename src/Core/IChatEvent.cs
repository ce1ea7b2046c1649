namespace AkkaChat.Core;

/// <summary>
/// Marks every type that is written to a journal or snapshot store. The serialization binding
/// for this interface points at AkkaChat's protobuf serializer, so nothing persisted ever
/// falls back to Akka's default JSON serializer (a test enforces it).
/// </summary>
public interface IChatEvent;
