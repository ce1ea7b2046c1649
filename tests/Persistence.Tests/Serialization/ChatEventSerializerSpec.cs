namespace AkkaChat.Persistence.Tests.Serialization;

using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using AkkaChat.Core;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;
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

    /// <summary>
    /// The two message events are written by hand (no protobuf objects per message); their bytes must stay exactly what
    /// the generated classes write, for every value a field can take: defaults left out, negative numbers, multi-byte
    /// varints, text that is not ASCII (a lone surrogate too, which both write as U+FFFD).
    /// </summary>
    [Fact]
    public void The_message_events_are_written_byte_for_byte_as_the_generated_classes_write_them()
    {
        var serializer = new ChatEventSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        long[] numbers = [0, 1, 127, 128, 16_383, 16_384, 10_000, -1, long.MaxValue, long.MinValue];
        int[] media = [0, 1, 127, 128, -1, int.MinValue];
        string[] texts = ["", "hi", "\u4f60\u597d\U0001F600", new string('x', 200), "\ud800 lone", new string('\u00e9', 70_000)];
        var random = new Random(12);
        for (var i = 0; i < 600; i++)
        {
            long Number() => numbers[random.Next(numbers.Length)];
            string Text() => texts[random.Next(texts.Length)];
            var payload = new ChatPayload(media[random.Next(media.Length)], Text(), Text(), Text(), Text(), Number());
            var at = DateTimeOffset.FromUnixTimeMilliseconds(random.Next(3) switch { 0 => 0, 1 => -86_400_000, _ => 1_764_000_000_000 });
            var proto = new Proto.ChatPayload { Media = payload.Media, Content = payload.Content, Pic = payload.Pic, Url = payload.Url, Memo = payload.Memo, Amount = payload.Amount };

            var direct = new DirectMessage(Number(), new UserId(Number()), new UserId(Number()), payload, at, Number(), Text());
            var expectedDirect = new Proto.DirectMessageStored
            {
                Message = new() { Seq = direct.Seq, SenderId = direct.SenderId.Value, RecipientId = direct.RecipientId.Value, Payload = proto, AtUnixMs = at.ToUnixTimeMilliseconds(), MessageId = direct.MessageId, Cid = direct.Cid },
            };
            Assert.Equal(expectedDirect.ToByteArray(), serializer.ToBinary(new UserEvents.DirectMessageStored(direct)));

            var room = new RoomMessage(new RoomId(Number()), Number(), new UserId(Number()), payload, at, Number(), Text());
            var expectedRoom = new Proto.RoomMessageStored
            {
                Message = new() { RoomId = room.RoomId.Value, Seq = room.Seq, SenderId = room.SenderId.Value, Payload = proto, AtUnixMs = at.ToUnixTimeMilliseconds(), MessageId = room.MessageId, Cid = room.Cid },
            };
            Assert.Equal(expectedRoom.ToByteArray(), serializer.ToBinary(new RoomEvents.RoomMessageStored(room)));
        }
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
