namespace AkkaChat.Edge.Tests.Protocols.Seed000;

using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using AkkaChat.Core;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Transport;
using AkkaChat.Persistence.Query;
using AkkaChat.Persistence.Serialization;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

/// <summary>
/// What a seed-000 socket does with the 1:1 sends its entity has not answered yet. It holds at most
/// <see cref="Seed000Connection.MaxUnansweredDirect"/> of them and refuses the next with an error frame. And one stored by an
/// entity that then moved, before its acknowledgement reached the socket:
/// the socket registers with the new entity, tells it the send again and reads the inbox up to the new head from the
/// journal. The read can meet the stored send before the new entity answers it, and must not echo it to its sender; what
/// else the read brings (another user's message, the user's own message from another device) is sent.
/// </summary>
/// <remarks>
/// One connection actor on AkkaChat's own SQLite journal and the SQL read journal (as a node reads them), with probes for
/// the user region and the two entities, so the moment of each answer is the test's: the new entity never answers the
/// send told again, which is the race the read must handle.
/// </remarks>
public sealed class Seed000UnansweredSendTests : TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly UserId Alice = new(1);
    private static readonly UserId Bob = new(2);

    private readonly string _dataDir;
    private readonly ChatStorage _storage;
    private readonly TestProbe _users;
    private readonly RecordingTransport _transport = new();
    private readonly SocketSession _session = new(capacity: 16, CancellationToken.None);

    public Seed000UnansweredSendTests(ITestOutputHelper output)
        : this(Path.Combine(Path.GetTempPath(), "akkachat-echo-" + Guid.NewGuid().ToString("N")), output)
    {
    }

    private Seed000UnansweredSendTests(string dataDir, ITestOutputHelper output)
        : base(NodeSetup(ChatStorage.Sqlite(dataDir)), output: output)
    {
        _dataDir = dataDir;
        _storage = ChatStorage.Sqlite(dataDir);
        _users = CreateTestProbe("users");
        _session.Attach(_transport);
        _ = _session.RunWriterAsync();
    }

    [Fact]
    public async Task A_send_of_this_socket_still_unanswered_when_the_catch_up_read_meets_it_is_not_echoed()
    {
        var (connection, first) = await ConnectAsync();
        var cid = await SendAsync(connection, first, "hi bob");

        // The first entity stored the send (Alice's copy, seq 1) and moved before answering; Bob answered meanwhile (seq 2).
        var mine = new DirectMessage(1, Alice, Bob, Text("hi bob"), DateTimeOffset.UtcNow, MessageId: 101, Cid: cid);
        await StoreAsync(mine, new DirectMessage(2, Bob, Alice, Text("hi alice"), DateTimeOffset.UtcNow, MessageId: 102, Cid: "s0-bobs-device"));
        var moved = await MoveEntityAsync(connection, first, inboxHead: 2, cid);

        // The read delivers seq 1 before seq 2: had it echoed Alice's send, that frame would come first.
        var frame = await NextFrameAsync();
        Assert.Equal((2, Bob.Value, "hi alice"), (frame.GetProperty("id").GetInt64(), frame.GetProperty("userid").GetInt64(), frame.GetProperty("content").GetString()));

        // Only now does the new entity answer the send told again, with the stored copy: delivered already, and silently.
        connection.Tell(new ConnectionPushes.DirectAccepted(1, mine), moved.Ref);
        await Until.SettledAsync(() => (int)_session.Enqueued, Quiet.Window, Timeout, "frames queued after the catch-up read and the late answer");
        Assert.Equal(1, _session.Enqueued);
    }

    [Fact]
    public async Task The_users_own_message_from_another_device_is_sent_by_the_same_read()
    {
        var (connection, first) = await ConnectAsync();
        var cid = await SendAsync(connection, first, "hi bob");

        // Alice's seq 1 is a message she sent from another device; this socket's own send is not stored yet.
        await StoreAsync(
            new DirectMessage(1, Alice, Bob, Text("from my phone"), DateTimeOffset.UtcNow, MessageId: 101, Cid: "s0-alices-phone"),
            new DirectMessage(2, Bob, Alice, Text("hi alice"), DateTimeOffset.UtcNow, MessageId: 102, Cid: "s0-bobs-device"));
        await MoveEntityAsync(connection, first, inboxHead: 2, cid);

        var phone = await NextFrameAsync();
        Assert.Equal((1, Alice.Value, "from my phone"), (phone.GetProperty("id").GetInt64(), phone.GetProperty("userid").GetInt64(), phone.GetProperty("content").GetString()));
        var bobs = await NextFrameAsync();
        Assert.Equal((2, Bob.Value, "hi alice"), (bobs.GetProperty("id").GetInt64(), bobs.GetProperty("userid").GetInt64(), bobs.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Past_its_bound_of_unanswered_sends_a_send_is_refused_with_an_error_frame_until_the_entity_answers_one()
    {
        const int bound = Seed000Connection.MaxUnansweredDirect;
        var (connection, entity) = await ConnectAsync(rateAndBurst: bound + 10); // the rate limits are not what refuses here
        for (var n = 1; n <= bound; n++) connection.Tell(Inbound(n, "m" + n));
        var told = new List<UserCommands.SendDirect>();
        for (var n = 1; n <= bound; n++) told.Add(await entity.ExpectMsgAsync<UserCommands.SendDirect>(Timeout));
        Assert.Equal(Enumerable.Range(1, bound).Select(n => (long)n), told.Select(s => s.ReplyTag));

        connection.Tell(Inbound(bound + 1, "one too many"));
        var refused = await NextFrameAsync();
        Assert.Equal(("error", "refused", bound + 1L), (refused.GetProperty("type").GetString(), refused.GetProperty("code").GetString(), refused.GetProperty("ref").GetInt64()));
        await entity.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)); // not told: nothing is held past the bound

        // The entity stores and answers the oldest: the socket has room for one more.
        connection.Tell(new ConnectionPushes.DirectAccepted(1, new DirectMessage(1, Alice, Bob, Text("m1"), DateTimeOffset.UtcNow, MessageId: 101, Cid: told[0].Cid)), entity.Ref);
        connection.Tell(Inbound(bound + 2, "room again"));
        Assert.Equal("room again", (await entity.ExpectMsgAsync<UserCommands.SendDirect>(Timeout)).Payload.Content);
        Assert.Equal(1, _session.Enqueued); // the refusal only: an own send is never echoed
    }

    /// <summary>Starts Alice's socket and answers its registration from a first entity: her only socket, nothing in her inbox.</summary>
    private async Task<(IActorRef Connection, TestProbe Entity)> ConnectAsync(int rateAndBurst = 100)
    {
        var topology = new ProbeTopology(_users.Ref);
        var limits = new SocketLimits(rateAndBurst, rateAndBurst, TimeSpan.FromSeconds(30), MissedHeartbeats: 3, new UserRateLimits(rateAndBurst, rateAndBurst));
        var connection = Sys.ActorOf(Seed000Connection.Props(Alice, _session, topology, CreateTestProbe("fanout").Ref, new MessageLog(Sys), limits));
        var connect = await _users.ExpectMsgAsync<UserCommands.Connect>(Timeout);
        Assert.Equal((Alice, connection, true), (connect.UserId, connect.Connection, connect.ReplayUndelivered));

        var entity = CreateTestProbe("entity-before");
        connection.Tell(new UserReplies.Connected(Alice, [], BacklogAfter: 0, new Dictionary<RoomId, long>(), InboxHead: 0) { FirstSocket = true }, entity.Ref);
        Assert.Equal(SocketRegistration.Registered, await _session.Registration.WaitAsync(Timeout));
        return (connection, entity);
    }

    /// <summary>Alice's client sends Bob <paramref name="content"/>; the entity is told it with a cid of the connection's making, and does not answer.</summary>
    private async Task<string> SendAsync(IActorRef connection, TestProbe entity, string content)
    {
        connection.Tell(Inbound(1, content));
        var send = await entity.ExpectMsgAsync<UserCommands.SendDirect>(Timeout);
        Assert.Equal((Alice, Bob, content, 1L), (send.UserId, send.RecipientId, send.Payload.Content, send.ReplyTag));
        Assert.StartsWith("s0-", send.Cid, StringComparison.Ordinal);
        return send.Cid;
    }

    /// <summary>
    /// The entity stops (its node died); the socket asks the region again and a new entity registers it with
    /// <paramref name="inboxHead"/>. The socket tells the new entity the send it holds unanswered; the entity does not answer it.
    /// </summary>
    private async Task<TestProbe> MoveEntityAsync(IActorRef connection, TestProbe entity, long inboxHead, string cid)
    {
        Watch(entity.Ref);
        Sys.Stop(entity.Ref);
        await ExpectTerminatedAsync(entity.Ref, Timeout);
        var connect = await _users.ExpectMsgAsync<UserCommands.Connect>(Timeout);
        Assert.Equal(connection, connect.Connection);

        var moved = CreateTestProbe("entity-after");
        connection.Tell(new UserReplies.Connected(Alice, [], BacklogAfter: 0, new Dictionary<RoomId, long>(), InboxHead: inboxHead) { FirstSocket = true }, moved.Ref);
        var resent = await moved.ExpectMsgAsync<UserCommands.SendDirect>(Timeout);
        Assert.Equal(cid, resent.Cid);
        return moved;
    }

    /// <summary>Writes <paramref name="messages"/> to Alice's journal as her entity stores them.</summary>
    private async Task StoreAsync(params DirectMessage[] messages)
    {
        var writer = Sys.ActorOf(Props.Create(() => new EventWriter("user-" + Alice)));
        foreach (var message in messages) writer.Tell(new UserEvents.DirectMessageStored(message), TestActor);
        for (var i = 0; i < messages.Length; i++) await ExpectMsgAsync<EventWriter.Stored>(Timeout);
        Sys.Stop(writer);
    }

    /// <summary>Alice's seed-000 frame sending Bob <paramref name="content"/>, with <paramref name="id"/> as its client reference.</summary>
    private static InboundText Inbound(long id, string content) =>
        new(Encoding.UTF8.GetBytes($$"""{"id":{{id}},"cmd":10,"dstid":{{Bob.Value}},"media":1,"content":"{{content}}"}"""));

    private async Task<JsonElement> NextFrameAsync()
    {
        using var frame = JsonDocument.Parse(await _transport.Frames.ReadAsync().AsTask().WaitAsync(Timeout));
        return frame.RootElement.Clone();
    }

    private static ChatPayload Text(string content) => new(1, content, "", "", "", 0);

    /// <summary>A node's persistence wiring on a fresh SQLite file (prepared as at start), and the socket mailbox.</summary>
    private static ActorSystemSetup NodeSetup(ChatStorage storage)
    {
        storage.Prepare();
        var hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", storage.HoconFile));
        var config = storage.OverrideConfig()
            .WithFallback(ConfigurationFactory.ParseString($"{SocketMailbox.Id}.mailbox-type = \"{typeof(SocketMailbox).AssemblyQualifiedName}\""))
            .WithFallback(ConfigurationFactory.ParseString(hocon))
            .WithFallback(storage.ConnectionConfig())
            .WithFallback(ChatSerialization.Config);
        return BootstrapSetup.Create().WithConfig(config).And(storage.SqliteConnectionSetup()!);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing)
            {
                _session.Dispose();
                using (var connection = new SqliteConnection(_storage.ConnectionString)) SqliteConnection.ClearPool(connection);
                Directory.Delete(_dataDir, recursive: true);
            }
        }
    }

    /// <summary>The user region is a probe; nothing else is asked of the topology by a socket that only sends 1:1.</summary>
    private sealed class ProbeTopology(IActorRef users) : IChatTopology
    {
        public IActorRef Users => users;
        public IActorRef Rooms => ActorRefs.Nobody;
        public IActorRef Accounts => ActorRefs.Nobody;
        public IActorRef UserIds => ActorRefs.Nobody;
        public IActorRef RoomIds => ActorRefs.Nobody;
        public IReadOnlyList<NodeFanout> NodeFanouts => [];
    }

    /// <summary>Persists what it is told under <paramref name="persistenceId"/> and says when each is stored.</summary>
    private sealed class EventWriter(string persistenceId) : UntypedPersistentActor
    {
        public override string PersistenceId => persistenceId;

        protected override void OnCommand(object message)
        {
            var replyTo = Sender;
            Persist(message, _ => replyTo.Tell(Stored.Instance));
        }

        protected override void OnRecover(object message)
        {
        }

        public sealed class Stored
        {
            public static readonly Stored Instance = new();
        }
    }

    /// <summary>The socket's client: every frame written, as text.</summary>
    private sealed class RecordingTransport : ISocketTransport
    {
        private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();

        public ChannelReader<string> Frames => _frames.Reader;

        public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancel)
        {
            _frames.Writer.TryWrite(Encoding.UTF8.GetString(frame.Span));
            return ValueTask.CompletedTask;
        }

        public Task<bool> CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancel) => Task.FromResult(true);

        public void Abort()
        {
        }
    }
}
