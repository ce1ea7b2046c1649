namespace AkkaChat.Persistence.Tests.Serialization;

using System.Reflection;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaChat.Core;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using AkkaChat.Persistence.Serialization;
using MessagePack;

public sealed class ClusterMessageSerializerSpec : TestKit
{
    private static readonly Assembly[] MessageAssemblies = [typeof(IChatEvent).Assembly, typeof(AkkaChat.Edge.Hosting.ChatActors).Assembly];

    private static readonly Type[] ShardingMarkers = [typeof(IWithUserId), typeof(IWithRoomId), typeof(IWithMobile), typeof(IWithIdKind)];

    /// <summary>Records in Core and Edge that are neither messages nor carried inside one: settings, actor state, frame encoder input.</summary>
    private static readonly Type[] NeverSent =
    [
        typeof(ChatSettings),
        typeof(AkkaChat.Core.Users.UserState),
        typeof(AkkaChat.Core.Rooms.RoomState),
        typeof(AkkaChat.Core.Accounts.AccountState),
        typeof(AkkaChat.Core.Ids.IdBlockState),
        typeof(AkkaChat.Edge.Hosting.ChatOptions),
        typeof(AkkaChat.Edge.Hosting.LogSettings),
        typeof(AkkaChat.Edge.Transport.SocketLimits),
        typeof(AkkaChat.Edge.Protocols.Seed000.Seed000Frame),
        typeof(AkkaChat.Edge.Protocols.V2.V2Frame),
        typeof(AkkaChat.Edge.Protocols.V2.V2Frames.ConversationItem),
        typeof(AkkaChat.Edge.Protocols.V2.ConversationList.Page),
        typeof(AkkaChat.Edge.Protocols.V2.ConversationList.Item),
        typeof(AkkaChat.Edge.Transport.Tcp.TcpEdgeSettings),
        typeof(AkkaChat.Edge.Protocols.FrameError),
        typeof(AkkaChat.Edge.Hosting.AuthSettings),
        typeof(AkkaChat.Edge.Auth.TokenClaims),
    ];

    /// <summary>Namespaces of views written as JSON for HTTP callers (the API, the admin endpoints), never sent between actors.</summary>
    private static readonly string[] HttpViews = ["AkkaChat.Edge.Http", "AkkaChat.Edge.Admin", "AkkaChat.Edge.Operations"];

    public ClusterMessageSerializerSpec()
        : base(ChatSerialization.Config)
    {
    }

    public static TheoryData<string> Manifests => [.. ClusterMessages.Manifests.Values.Order(StringComparer.Ordinal)];

    public static TheoryData<string> ManifestsWithNullableFields =>
        [.. ClusterMessages.Manifests.Where(m => SampleMessages.HasNullableFields(m.Key)).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_registered_message_round_trips_through_the_configured_serializer(string manifest) =>
        AssertRoundTrip(new SampleMessages(TestActor).Build(ClusterMessages.TypesByManifest[manifest]), manifest);

    [Theory]
    [MemberData(nameof(ManifestsWithNullableFields))]
    public void Every_registered_message_round_trips_with_its_nullable_fields_null(string manifest) =>
        AssertRoundTrip(new SampleMessages(TestActor).Build(ClusterMessages.TypesByManifest[manifest], nulls: true), manifest);

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_sample_sets_every_field(string manifest) =>
        StructuralAssert.NoDefaults(new SampleMessages(TestActor).Build(ClusterMessages.TypesByManifest[manifest]));

    /// <summary>
    /// Messages are every type sent through a shard region (a sharding marker), every type in a *Commands, *Replies or
    /// *Pushes class, and every *Published fan-out notice; all of them must be registered. Every other record in Core
    /// and Edge must be accounted for: local (INoSerializationVerificationNeeded), persisted (IChatEvent), data carried
    /// inside a message or event, an HTTP view (<see cref="HttpViews"/>), or listed in <see cref="NeverSent"/>.
    /// </summary>
    [Fact]
    public void No_message_type_falls_back_to_the_default_serializer()
    {
        var types = MessageAssemblies.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false, IsNestedPrivate: false }
                && t.IsClass && t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .Where(t => !typeof(INoSerializationVerificationNeeded).IsAssignableFrom(t) && !typeof(ActorBase).IsAssignableFrom(t))
            .ToList();

        var messages = types.Where(IsMessage).ToList();
        Assert.True(messages.Count > 100, $"only {messages.Count} message types found; is the definition still right?");
        Assert.Empty(messages.Where(t => !typeof(IChatEvent).IsAssignableFrom(t) && !ClusterMessages.Manifests.ContainsKey(t)).Select(t => t.FullName));

        var carried = CarriedTypes(ClusterMessages.Manifests.Keys.Concat(ChatEventSerializer.Manifests.Keys));
        var unaccounted = types
            .Where(t => IsRecord(t) && !IsMessage(t) && !ClusterMessages.Manifests.ContainsKey(t) && !carried.Contains(t) && !NeverSent.Contains(t) && !HttpViews.Contains(t.Namespace))
            .Select(t => t.FullName);
        Assert.Empty(unaccounted);

        var misrouted = messages.Concat(ClusterMessages.Manifests.Keys).Distinct()
            .Select(t => (Type: t, Serializer: Sys.Serialization.FindSerializerForType(t)))
            .Where(x => typeof(IChatEvent).IsAssignableFrom(x.Type) ? x.Serializer is not ChatEventSerializer : x.Serializer is not ClusterMessageSerializer)
            .Select(x => $"{x.Type.FullName} -> {x.Serializer.GetType().Name}");
        Assert.Empty(misrouted);
    }

    /// <summary>
    /// Bodies are maps keyed by property name, so a node of the previous version reads a changed record without an error:
    /// a renamed or retyped property silently as its default. Such a change needs a new manifest (the old one retired,
    /// as in <see cref="ClusterMessages"/>); a property added that older nodes may ignore only needs the file updated.
    /// </summary>
    [Fact]
    public void No_registered_message_changed_shape_under_its_manifest()
    {
        var actual = ClusterWireShapes.Describe(ClusterMessages.Manifests);
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Serialization", ClusterWireShapes.FileName));
        if (expected == actual) return;
        var written = Path.Combine(Path.GetTempPath(), "akkachat-" + ClusterWireShapes.FileName);
        File.WriteAllText(written, actual);
        Assert.Fail($"cluster messages changed shape; give a changed record a new manifest, then compare {written} with tests/Persistence.Tests/Serialization/{ClusterWireShapes.FileName} and copy it over");
    }

    [Fact]
    public void Manifests_are_unique_and_at_most_three_characters()
    {
        var manifests = ClusterMessages.Manifests.Values.ToList();

        Assert.All(manifests, m => Assert.InRange(m.Length, 1, 3));
        Assert.Equal(manifests.Count, manifests.Distinct(StringComparer.Ordinal).Count());
        Assert.NotEqual(ChatSerialization.SerializerId, ChatSerialization.ClusterSerializerId);
        Assert.True(ChatSerialization.ClusterSerializerId > 100);
    }

    [Fact]
    public void An_unregistered_command_fails_instead_of_travelling_as_json()
    {
        var serializer = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerForType(typeof(Unregistered)));

        var error = Assert.Throws<ArgumentException>(() => serializer.ToBinary(new Unregistered(new UserId(10_001))));
        Assert.Contains(nameof(ClusterMessages), error.Message);
    }

    [Fact]
    public void An_unknown_manifest_is_refused()
    {
        var serializer = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerForType(typeof(UserReplies.FriendList)));

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary([0x80], "ZZ"));
        Assert.Contains("'ZZ'", error.Message);
    }

    /// <summary>A node of the next version may send a field this one does not know: it is skipped.</summary>
    [Theory]
    [MemberData(nameof(Manifests))]
    public void A_field_added_by_a_newer_version_is_ignored(string manifest)
    {
        var message = new SampleMessages(TestActor).Build(ClusterMessages.TypesByManifest[manifest]);
        var serializer = (ClusterMessageSerializer)Sys.Serialization.FindSerializerFor(message);

        var restored = serializer.FromBinary(WithUnknownField(serializer.ToBinary(message)), manifest);

        StructuralAssert.Equivalent(message, restored);
    }

    /// <summary>A node of the previous version may not send a field this one added: it comes back as its default.</summary>
    [Fact]
    public void A_field_missing_from_an_older_version_reads_as_its_default()
    {
        var message = new UserCommands.SendDirect(new UserId(10_001), new UserId(10_002), new("x".Length, "hi", "", "", "", 0), 7, TestActor, "c-1");
        var serializer = (ClusterMessageSerializer)Sys.Serialization.FindSerializerFor(message);

        var restored = (UserCommands.SendDirect)serializer.FromBinary(WithoutField(serializer.ToBinary(message), nameof(message.Cid)), "USD");

        Assert.Equal(message with { Cid = restored.Cid }, restored);
        Assert.Null(restored.Cid);
    }

    /// <summary>An older node's socket registers with no device and sign time: it holds no device, as before.</summary>
    [Fact]
    public void A_connect_from_an_older_version_names_no_device()
    {
        var message = new UserCommands.Connect(new UserId(10_001), TestActor, ReplayUndelivered: false, Device: 7, SignedAt: DateTimeOffset.UtcNow);
        var serializer = (ClusterMessageSerializer)Sys.Serialization.FindSerializerFor(message);
        var older = WithoutField(WithoutField(serializer.ToBinary(message), nameof(message.Device)), nameof(message.SignedAt));

        var restored = (UserCommands.Connect)serializer.FromBinary(older, "UCN");

        Assert.Equal(message with { Device = 0, SignedAt = default }, restored);
    }

    private void AssertRoundTrip(object message, string manifest)
    {
        var serializer = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(message));
        Assert.Equal(manifest, serializer.Manifest(message));

        var bytes = serializer.ToBinary(message);
        var restored = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.NotSame(message, restored);
        StructuralAssert.Equivalent(message, restored, message.GetType().Name);
        Assert.Equal(bytes, serializer.ToBinary(restored));
    }

    private static bool IsMessage(Type type) =>
        ShardingMarkers.Any(m => m.IsAssignableFrom(type))
        || type.Name.EndsWith("Published", StringComparison.Ordinal)
        || type.DeclaringType is { IsAbstract: true, IsSealed: true, Name: var holder }
            && (holder.EndsWith("Commands", StringComparison.Ordinal) || holder.EndsWith("Replies", StringComparison.Ordinal)
                || holder.EndsWith("Pushes", StringComparison.Ordinal) || holder.EndsWith("Events", StringComparison.Ordinal));

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    /// <summary>Every type reachable through the properties of <paramref name="roots"/>: data carried inside messages and events.</summary>
    private static HashSet<Type> CarriedTypes(IEnumerable<Type> roots)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var type))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var inner = property.PropertyType;
                var found = inner.IsGenericType ? inner.GetGenericArguments() : [inner];
                foreach (var t in found.Select(t => Nullable.GetUnderlyingType(t) ?? t))
                {
                    if (t.Assembly == typeof(IChatEvent).Assembly && seen.Add(t)) pending.Push(t);
                }
            }
        }
        return seen;
    }

    private static byte[] WithUnknownField(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        var count = reader.ReadMapHeader();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(count + 1);
        writer.WriteRaw(bytes.AsSpan((int)reader.Consumed));
        writer.Write("FromAFutureVersion");
        writer.WriteArrayHeader(2);
        writer.Write("nested");
        writer.Write(123_456_789L);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] WithoutField(byte[] bytes, string field)
    {
        var reader = new MessagePackReader(bytes);
        var count = reader.ReadMapHeader();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(count - 1);
        for (var i = 0; i < count; i++)
        {
            var start = (int)reader.Consumed;
            var key = reader.ReadString();
            reader.Skip();
            if (key != field) writer.WriteRaw(bytes.AsSpan(start, (int)reader.Consumed - start));
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private sealed record Unregistered(UserId UserId) : IWithUserId;
}
