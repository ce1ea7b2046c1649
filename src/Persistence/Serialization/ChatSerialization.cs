namespace AkkaChat.Persistence.Serialization;

using Akka.Configuration;

/// <summary>
/// Akka configuration that sends every <see cref="AkkaChat.Core.IChatEvent"/> through <see cref="ChatEventSerializer"/>,
/// so nothing persisted falls back to Akka's default JSON serializer.
/// </summary>
public static class ChatSerialization
{
    /// <summary>The id stored next to every event and snapshot; never change it, or stored data becomes unreadable.</summary>
    public const int SerializerId = 4711;

    public const string SerializerName = "akkachat-events";

    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers {
            {{SerializerName}} = "AkkaChat.Persistence.Serialization.ChatEventSerializer, AkkaChat.Persistence"
          }
          serialization-bindings {
            "AkkaChat.Core.IChatEvent, AkkaChat.Core" = {{SerializerName}}
          }
          serialization-identifiers {
            "AkkaChat.Persistence.Serialization.ChatEventSerializer, AkkaChat.Persistence" = {{SerializerId}}
          }
        }
        """);
}
