namespace AkkaChat.Bench.Relay;

using System.Collections.Concurrent;
using System.Security.Cryptography;

/// <summary>A registered user: credentials in clear (a benchmark fixture, never a product), friends and live sockets.</summary>
public sealed class RelayUser(long id, string mobile, string password, string nickname)
{
    private readonly Lock _gate = new();
    private HashSet<long> _friends = [];
    private RelayConnection[] _connections = [];
    private long _inboxSeq;

    public long Id => id;
    public string Mobile => mobile;
    public string Password => password;
    public string Nickname => nickname;
    public int OwnedRooms;

    public RelayConnection[] Connections => Volatile.Read(ref _connections);

    public bool IsFriend(long other)
    {
        lock (_gate) return _friends.Contains(other);
    }

    public void AddFriend(long other)
    {
        lock (_gate) _friends.Add(other);
    }

    public long NextInboxSeq() => Interlocked.Increment(ref _inboxSeq);

    public void Attach(RelayConnection connection)
    {
        lock (_gate) _connections = [.. _connections, connection];
    }

    public void Detach(RelayConnection connection)
    {
        lock (_gate) _connections = [.. _connections.Where(c => c != connection)];
    }
}

/// <summary>A room: its members (copy-on-write, read on every message) and its message counter.</summary>
public sealed class RelayRoom(long id, string name, long ownerId)
{
    private readonly Lock _gate = new();
    private RelayUser[] _members = [];
    private long _seq;

    public long Id => id;
    public string Name => name;
    public long OwnerId => ownerId;
    public RelayUser[] Members => Volatile.Read(ref _members);

    public bool IsMember(long userId) => Members.Any(m => m.Id == userId);

    public void Add(RelayUser user)
    {
        lock (_gate)
        {
            if (_members.Any(m => m.Id == user.Id)) return;
            _members = [.. _members, user];
        }
    }

    public long NextSeq() => Interlocked.Increment(ref _seq);
}

/// <summary>Users, tokens and rooms, all in memory.</summary>
public sealed class RelayDirectory
{
    public const int MaxOwnedRooms = 1000;

    private readonly ConcurrentDictionary<string, RelayUser> _byMobile = new();
    private readonly ConcurrentDictionary<long, RelayUser> _byId = new();
    private readonly ConcurrentDictionary<string, long> _tokens = new();
    private readonly ConcurrentDictionary<long, RelayRoom> _rooms = new();
    private long _nextUserId = 10_000;
    private long _nextRoomId = 10_000;

    public RelayUser? Register(string mobile, string password, string nickname)
    {
        var user = new RelayUser(Interlocked.Increment(ref _nextUserId), mobile, password, nickname);
        if (!_byMobile.TryAdd(mobile, user)) return null;
        _byId[user.Id] = user;
        return user;
    }

    public RelayUser? FindByMobile(string mobile) => _byMobile.GetValueOrDefault(mobile);

    public RelayUser? Find(long id) => _byId.GetValueOrDefault(id);

    public RelayRoom? FindRoom(long id) => _rooms.GetValueOrDefault(id);

    public string IssueToken(RelayUser user)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = user.Id;
        return token;
    }

    public RelayUser? Authenticate(string? token) =>
        token is { Length: > 0 } && _tokens.TryGetValue(token, out var id) ? Find(id) : null;

    public RelayRoom CreateRoom(RelayUser owner, string name)
    {
        var room = new RelayRoom(Interlocked.Increment(ref _nextRoomId), name, owner.Id);
        room.Add(owner);
        _rooms[room.Id] = room;
        return room;
    }
}
