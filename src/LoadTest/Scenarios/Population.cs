namespace AkkaChat.LoadTest.Scenarios;

using AkkaChat.LoadTest.Cli;
using AkkaChat.LoadTest.Fixtures;
using AkkaChat.LoadTest.Measurement;
using AkkaChat.LoadTest.Protocol;
using AkkaChat.LoadTest.Sockets;

/// <summary>
/// The simulated sockets of a run and who hears what. Socket i belongs to user i mod U, so each user gets
/// sockets/users devices. Users 2k and 2k+1 are friends; room r has members (r·size + j) mod U.
/// </summary>
public sealed class Population
{
    private Population(SimulatedSocket[] sockets, int[][] socketsOfUser, Audience[] pairs, Audience[] rooms, int[][] roomSenders)
    {
        Sockets = sockets;
        SocketsOfUser = socketsOfUser;
        PairAudiences = pairs;
        RoomAudiences = rooms;
        RoomSenders = roomSenders;
    }

    public SimulatedSocket[] Sockets { get; }
    public int[][] SocketsOfUser { get; }

    /// <summary>Per friend pair k (users 2k, 2k+1): the sockets of both.</summary>
    public Audience[] PairAudiences { get; }

    /// <summary>Per room: the sockets of every member.</summary>
    public Audience[] RoomAudiences { get; }

    /// <summary>Per room: the member sockets that take turns sending.</summary>
    public int[][] RoomSenders { get; }

    public int OpenCount => Sockets.Count(s => s.IsOpen);

    /// <summary>The member sets (user indices) of the rooms a run needs.</summary>
    public static IReadOnlyList<int[]> RoomMembers(LoadOptions o) => o.Traffic.Group
        ? [.. Enumerable.Range(0, o.RoomCount).Select(r => Enumerable.Range(0, o.RoomSize).Select(j => (r * o.RoomSize + j) % o.Users).Distinct().Order().ToArray())]
        : [];

    public static Population Build(Fixture fixture, LoadOptions o, IClientProtocol protocol)
    {
        var users = o.Users;
        var sockets = new SimulatedSocket[o.TotalSockets];
        var outbox = Math.Max(64, (int)Math.Ceiling(o.MaxSocketRate * 2));
        for (var i = 0; i < sockets.Length; i++)
        {
            var u = i % users;
            var user = fixture.Users[u];
            sockets[i] = new SimulatedSocket(i, u, user.Id, user.Token, protocol.SocketPath(user.Id, user.Token), outbox);
        }
        var socketsOfUser = new int[users][];
        for (var u = 0; u < users; u++)
            socketsOfUser[u] = [.. Enumerable.Range(0, (sockets.Length - u + users - 1) / users).Select(k => u + k * users)];

        var pairs = o.Traffic.Direct
            ? Enumerable.Range(0, users / 2).Select(k => new Audience(ChatCommands.Direct, 0, [.. socketsOfUser[2 * k], .. socketsOfUser[2 * k + 1]])).ToArray()
            : [];

        var roomSets = RoomMembers(o);
        var rooms = new Audience[roomSets.Count];
        var senders = new int[roomSets.Count][];
        for (var r = 0; r < roomSets.Count; r++)
        {
            var members = roomSets[r];
            var room = fixture.Rooms.First(x => x.Members.Order().SequenceEqual(members));
            var memberSockets = members.SelectMany(m => socketsOfUser[m]).ToArray();
            rooms[r] = new Audience(ChatCommands.Room, room.Id, memberSockets);
            senders[r] = memberSockets;
        }
        return new Population(sockets, socketsOfUser, pairs, rooms, senders);
    }
}
