namespace AkkaChat.Persistence.Tests.Serialization;

using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using AkkaChat.Core;
using AkkaChat.Core.Users;
using AkkaChat.Persistence.Serialization;
using Proto = AkkaChat.Persistence.Serialization.Proto;
using Google.Protobuf;

public sealed class ChatEventSerializerSpec : TestKit
{
    public ChatEventSerializerSpec()
        : base(ChatSerialization.Config)
    {
    }

    public static TheoryData<string> SampleNames => SampleEvents.Names;

    private static IReadOnlyList<Type> PersistedTypes { get; } = typeof(IChatEvent).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IChatEvent).IsAssignableFrom(t))
        .ToList();

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_persisted_type_round_trips_through_the_configured_serializer(string name)
    {
        var sample = SampleEvents.ByName[name];
        var serializer = Assert.IsType<ChatEventSerializer>(Sys.Serialization.FindSerializerFor(sample.Event));
        Assert.Equal(ChatSerialization.SerializerId, serializer.Identifier);

        var manifest = serializer.Manifest(sample.Event);
        Assert.Equal(sample.Manifest, manifest);

        var bytes = serializer.ToBinary(sample.Event);
        var restored = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.NotSame(sample.Event, restored);
        StructuralAssert.Equivalent(sample.Event, restored);
        Assert.Equal(bytes, serializer.ToBinary(restored));
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_sample_sets_every_field(string name) =>
        StructuralAssert.NoDefaults(SampleEvents.ByName[name].Event);

    [Fact]
    public void Every_persisted_type_has_a_sample_and_goes_through_the_chat_serializer()
    {
        Assert.NotEmpty(PersistedTypes);

        var sampled = SampleEvents.All.Select(s => s.Event.GetType()).ToHashSet();
        Assert.Empty(PersistedTypes.Where(t => !sampled.Contains(t)).Select(t => t.FullName));

        var elsewhere = PersistedTypes
            .Select(t => (Type: t, Serializer: Sys.Serialization.FindSerializerForType(t)))
            .Where(x => x.Serializer is not ChatEventSerializer)
            .Select(x => $"{x.Type.FullName} -> {x.Serializer.GetType().Name}");
        Assert.Empty(elsewhere);

        Assert.Equal(
            PersistedTypes.Select(t => t.FullName).Order(),
            ChatEventSerializer.Manifests.Keys.Select(t => t.FullName).Order());
    }

    [Fact]
    public void Manifests_are_unique_and_at_most_three_characters()
    {
        var manifests = ChatEventSerializer.Manifests.Values.ToList();

        Assert.All(manifests, m => Assert.InRange(m.Length, 1, 3));
        Assert.Equal(manifests.Count, manifests.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void An_unknown_manifest_is_refused()
    {
        var serializer = Assert.IsType<ChatEventSerializer>(Sys.Serialization.FindSerializerForType(typeof(IChatEvent)));

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary([], "ZZ"));
        Assert.Contains("'ZZ'", error.Message);
    }

    [Fact]
    public void Times_are_stored_as_the_same_instant_in_utc()
    {
        var at = new DateTimeOffset(2025, 3, 14, 17, 26, 53, 589, TimeSpan.FromHours(8));
        var serializer = new ChatEventSerializer((Akka.Actor.ExtendedActorSystem)Sys);

        var restored = (UserEvents.UserCreated)serializer.FromBinary(
            serializer.ToBinary(new UserEvents.UserCreated(new(10_001), "+8613800000000", new("a", "b", "c", "d"), at)), "UC");

        Assert.Equal(at.UtcDateTime, restored.CreatedAt.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, restored.CreatedAt.Offset);
    }

    /// <summary>
    /// User snapshots written before the inbox window kept its messages whole (<c>recent_inbox</c>); they still read, as
    /// the window's entries, and their bodies are left to the journal.
    /// </summary>
    [Fact]
    public void A_snapshot_with_the_recent_inbox_of_old_reads_as_the_inbox_window()
    {
        var at = new DateTimeOffset(2025, 3, 14, 17, 26, 53, 589, TimeSpan.Zero);
        var old = new Proto.UserSnapshot { UserId = 10_001, Mobile = "+8613800000000", Profile = new Proto.ProfileFields(), InboxSeq = 2 };
        old.RecentInbox.Add(new Proto.DirectMessage { Seq = 1, SenderId = 10_002, RecipientId = 10_001, Payload = new Proto.ChatPayload(), AtUnixMs = at.ToUnixTimeMilliseconds(), MessageId = 71, Cid = "c-1" });
        old.RecentInbox.Add(new Proto.DirectMessage { Seq = 2, SenderId = 10_001, RecipientId = 10_002, Payload = new Proto.ChatPayload(), AtUnixMs = at.ToUnixTimeMilliseconds(), MessageId = 72, Cid = "c-2" });
        var serializer = new ChatEventSerializer((Akka.Actor.ExtendedActorSystem)Sys);

        var restored = (UserEvents.UserSnapshot)serializer.FromBinary(old.ToByteArray(), "US");

        Assert.Equal(
            new[] { new InboxEntry(1, 71, new(10_002), Outgoing: false, at, "c-1"), new InboxEntry(2, 72, new(10_002), Outgoing: true, at, "c-2") },
            restored.RecentInbox);
    }

    /// <summary>Data written by a newer schema (with fields this code does not know) still reads.</summary>
    [Theory]
    [MemberData(nameof(SampleNames))]
    public void A_field_added_by_a_newer_schema_is_ignored(string name)
    {
        var sample = SampleEvents.ByName[name];
        var serializer = Assert.IsType<ChatEventSerializer>(Sys.Serialization.FindSerializerFor(sample.Event));

        var restored = serializer.FromBinary(WithUnknownFields(serializer.ToBinary(sample.Event)), sample.Manifest);

        StructuralAssert.Equivalent(sample.Event, restored);
    }

    private static byte[] WithUnknownFields(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        buffer.Write(bytes);
        using var output = new CodedOutputStream(buffer, leaveOpen: true);
        output.WriteTag(1000, WireFormat.WireType.LengthDelimited);
        output.WriteString("from a future version");
        output.WriteTag(1001, WireFormat.WireType.Varint);
        output.WriteInt64(123_456_789);
        output.Flush();
        return buffer.ToArray();
    }
}
