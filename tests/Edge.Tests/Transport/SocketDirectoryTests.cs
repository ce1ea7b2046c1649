namespace AkkaChat.Edge.Tests.Transport;

using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Operations;
using AkkaChat.Core.Users;
using AkkaChat.Edge.Transport;

/// <summary>The node's socket directory ends every socket on shutdown, including one whose handshake raced the stop.</summary>
public sealed class SocketDirectoryTests : TestKit
{
    [Fact]
    public async Task Stopping_ends_every_open_socket_once()
    {
        var directory = new SocketDirectory();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        directory.Add(first.Ref, Socket(1));
        directory.Add(second.Ref, Socket(2));

        var stopping = Task.Run(directory.CloseAll);
        foreach (var probe in new[] { first, second })
        {
            var shutdown = probe.ExpectMsg<ServerShutdown>();
            shutdown.AckTo.Tell(new UserReplies.DisconnectRecorded(new UserId(1)), probe.Ref);
            // Its socket then reports closed: the shutdown already ended it, so nothing more is asked of it.
            directory.Closed(probe.Ref, alreadyStopped: false);
        }
        await stopping.WaitAsync(TimeSpan.FromSeconds(5)); // the shutdown finishes once every socket acknowledged
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        second.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_socket_accepted_while_the_node_is_stopping_is_closed_at_once()
    {
        var directory = new SocketDirectory();
        directory.CloseAll();

        var late = CreateTestProbe();
        directory.Add(late.Ref, Socket(3));

        late.ExpectMsg<ServerShutdown>();
        Assert.Equal(0, directory.Count);
    }

    private static SocketSummary Socket(long user) => new(new UserId(user), "v2", "127.0.0.1:50000", DateTimeOffset.UtcNow);
}
