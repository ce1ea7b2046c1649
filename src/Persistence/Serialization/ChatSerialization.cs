namespace AkkaChat.Persistence.Serialization;

using Akka.Configuration;
using AkkaChat.Core.Ids;

/// <summary>
/// Akka configuration that sends every <see cref="AkkaChat.Core.IChatEvent"/> through <see cref="ChatEventSerializer"/> and every
/// message that crosses nodes through <see cref="ClusterMessageSerializer"/>, so nothing falls back to Akka's default JSON serializer.
/// </summary>
public static class ChatSerialization
{
    /// <summary>The id stored next to every event and snapshot; never change it, or stored data becomes unreadable.</summary>
    public const int SerializerId = 4711;

    public const string SerializerName = "akkachat-events";

    /// <summary>The id sent with every cross-node message; nodes of one cluster must agree on it.</summary>
    public const int ClusterSerializerId = 4712;

    public const string ClusterSerializerName = "akkachat-messages";

    /// <summary>
    /// Each registered message type is bound by name; the sharding marker interfaces are bound too, so a command someone
    /// forgot to register fails in <see cref="ClusterMessageSerializer"/> (logged) instead of travelling as JSON.
    /// </summary>
    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers {
            {{SerializerName}} = "{{TypeKey(typeof(ChatEventSerializer))}}"
            {{ClusterSerializerName}} = "{{TypeKey(typeof(ClusterMessageSerializer))}}"
          }
          serialization-bindings {
            "{{TypeKey(typeof(AkkaChat.Core.IChatEvent))}}" = {{SerializerName}}
        {{string.Join("\n", ClusterBindings.Select(t => $"    \"{TypeKey(t)}\" = {ClusterSerializerName}"))}}
          }
          serialization-identifiers {
            "{{TypeKey(typeof(ChatEventSerializer))}}" = {{SerializerId}}
            "{{TypeKey(typeof(ClusterMessageSerializer))}}" = {{ClusterSerializerId}}
          }
        }
        """);

    private static IEnumerable<Type> ClusterBindings =>
        new[] { typeof(IWithUserId), typeof(IWithRoomId), typeof(IWithMobile), typeof(IWithIdKind) }
            .Concat(ClusterMessages.Manifests.Keys.OrderBy(t => t.FullName, StringComparer.Ordinal));

    private static string TypeKey(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
