namespace AkkaChat.Core.Tests.Users;

using Akka.Actor;
using Akka.TestKit;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;
using Xunit.Abstractions;
using static AkkaChat.Core.Users.ConnectionPushes;
using static AkkaChat.Core.Users.UserCommands;
using static AkkaChat.Core.Users.UserReplies;

/// <summary>
/// A device has one socket: the user's entity, which knows every socket of the user on every node, tells the one of a
/// device signed earlier to close. By sign time, whatever order the sockets register in (they all register again, in
/// no particular order, after the entity moved); a socket that names no device (device 0: seed-000, v2) holds none.
/// </summary>
public sealed class DeviceSocketsSpec(ITestOutputHelper output) : ChatActorSpec(output)
{
    private static readonly DateTimeOffset Earlier = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddMilliseconds(1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_connection_signed_earlier_is_told_whichever_registers_first(bool laterRegistersFirst)
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var earlier = CreateTestProbe("signed-earlier");
        var later = CreateTestProbe("signed-later");

        if (laterRegistersFirst)
        {
            Open(chat, alice, later, device: 7, Later);
            Open(chat, alice, earlier, device: 7, Earlier);
        }
        else
        {
            Open(chat, alice, earlier, device: 7, Earlier);
            Open(chat, alice, later, device: 7, Later);
        }

        earlier.ExpectMsg<SignedInElsewhere>(Timeout);
        later.ExpectNoMsg(Quiet);
        earlier.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Other_devices_other_users_and_sockets_without_a_device_are_never_told()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var bob = Register(chat, "13800000002", "bob");
        var sockets = new[]
        {
            Open(chat, alice, CreateTestProbe(), device: 1, Earlier),
            Open(chat, alice, CreateTestProbe(), device: 2, Later),
            Open(chat, alice, CreateTestProbe(), device: 0, Earlier),
            Open(chat, alice, CreateTestProbe(), device: 0, Later),
            Open(chat, bob, CreateTestProbe(), device: 1, Later),
        };

        foreach (var socket in sockets) socket.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_connection_that_disconnected_frees_its_device()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var gone = Open(chat, alice, CreateTestProbe("gone"), device: 7, Later);
        chat.Users.Tell(new Disconnect(alice, gone.Ref, new Dictionary<RoomId, long>()));

        // Signed earlier than the one that left: were that one still holding the device, this one would be told.
        var next = Open(chat, alice, CreateTestProbe("next"), device: 7, Earlier);

        next.ExpectNoMsg(Quiet);
        gone.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_connection_that_stopped_frees_its_device()
    {
        var chat = StartChat();
        var alice = Register(chat, "13800000001", "alice");
        var gone = Open(chat, alice, CreateTestProbe("gone"), device: 7, Later);
        Watch(gone.Ref);
        Sys.Stop(gone.Ref);
        ExpectTerminated(gone.Ref, Timeout);

        // The entity watches its sockets and hears of the stop by itself, in its own time.
        AwaitAssert(() => Assert.Equal(0, Query<InspectionReplies.UserInspected>(chat.Users, new InspectionCommands.InspectUser(alice)).Sockets), Timeout);
        var next = Open(chat, alice, CreateTestProbe("next"), device: 7, Earlier);

        next.ExpectNoMsg(Quiet);
    }

    /// <summary>Registers <paramref name="socket"/> as <paramref name="user"/>'s socket of <paramref name="device"/>, signed at <paramref name="signedAt"/>, and waits for the entity's answer.</summary>
    private static TestProbe Open(LocalChat chat, UserId user, TestProbe socket, long device, DateTimeOffset signedAt)
    {
        chat.Users.Tell(new Connect(user, socket.Ref, ReplayUndelivered: false, device, signedAt), socket.Ref);
        socket.ExpectMsg<Connected>(Timeout);
        return socket;
    }
}
