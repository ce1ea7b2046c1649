namespace AkkaChat.LoadTest.Fixtures;

using System.Collections.Concurrent;
using System.Diagnostics;
using AkkaChat.LoadTest.Api;

/// <summary>What a scenario needs to exist on the server before it opens sockets.</summary>
/// <param name="Users">users 0..Users-1</param>
/// <param name="FriendPairs">users 2k and 2k+1 are friends</param>
/// <param name="Rooms">member sets (user indices), one per room</param>
public sealed record FixtureNeeds(int Users, bool FriendPairs, IReadOnlyList<int[]> Rooms);

/// <summary>Brings a <see cref="Fixture"/> up to <see cref="FixtureNeeds"/>, doing only what is missing, with bounded parallelism.</summary>
public sealed class FixtureBuilder(ChatApiClient api, Action<string> log, int registerParallelism, int setupParallelism, int maxOwnedRooms = 5)
{
    public TimeSpan RegisterTime { get; private set; }
    public TimeSpan LinkTime { get; private set; }
    public int Registered { get; private set; }

    public async Task EnsureAsync(Fixture fixture, FixtureNeeds needs, string? savePath, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await RegisterMissingAsync(fixture, needs.Users, ct);
        RegisterTime = watch.Elapsed;
        if (savePath is not null) fixture.Save(savePath);

        watch.Restart();
        if (needs.FriendPairs) await LinkFriendsAsync(fixture, needs.Users, ct);
        if (savePath is not null) fixture.Save(savePath);
        foreach (var members in needs.Rooms)
        {
            await EnsureRoomAsync(fixture, members, ct);
            if (savePath is not null) fixture.Save(savePath);
        }
        LinkTime = watch.Elapsed;
    }

    private async Task RegisterMissingAsync(Fixture fixture, int users, CancellationToken ct)
    {
        var start = fixture.Users.Count;
        if (start >= users) return;
        log($"registering users {start}..{users - 1} ({users - start} users, {registerParallelism} at a time; each costs the server a password hash)");
        var made = new FixtureUser[users - start];
        var done = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(start, users - start), new ParallelOptions { MaxDegreeOfParallelism = registerParallelism, CancellationToken = ct }, async (i, token) =>
        {
            var mobile = fixture.MobileOf(i);
            try
            {
                await api.RegisterAsync(mobile, Fixture.Password, "lt" + i, token);
            }
            catch (ApiRefusedException e) when (e.Reason.Contains("already", StringComparison.OrdinalIgnoreCase) || e.Reason.Contains("exists", StringComparison.OrdinalIgnoreCase) || e.Reason.Contains("registered", StringComparison.OrdinalIgnoreCase))
            {
                // Registered by an earlier run whose fixture file was not saved: log in instead.
            }
            var (id, session) = await api.LoginAsync(mobile, Fixture.Password, token);
            made[i - start] = new FixtureUser(id, mobile, session);
            var n = Interlocked.Increment(ref done);
            if (n % 100 == 0) log($"  {n}/{made.Length} users ({n / Math.Max(0.001, watch.Elapsed.TotalSeconds):F0}/s)");
        });
        fixture.Users.AddRange(made);
        Registered = made.Length;
        log($"registered {made.Length} users in {watch.Elapsed.TotalSeconds:F1}s ({made.Length / Math.Max(0.001, watch.Elapsed.TotalSeconds):F1}/s, register + login each)");
    }

    private async Task LinkFriendsAsync(Fixture fixture, int users, CancellationToken ct)
    {
        var known = fixture.Friendships.ToHashSet();
        var missing = Enumerable.Range(0, users / 2).Select(k => (A: 2 * k, B: 2 * k + 1)).Where(p => !known.Contains(Fixture.FriendshipKey(p.A, p.B))).ToList();
        if (missing.Count == 0) return;
        log($"making {missing.Count} friend pairs");
        var added = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = setupParallelism, CancellationToken = ct }, async (pair, token) =>
        {
            await api.AddFriendAsync(fixture.Users[pair.A].Token, fixture.Users[pair.B].Id, token);
            added.Add(Fixture.FriendshipKey(pair.A, pair.B));
        });
        fixture.Friendships.AddRange(added);
    }

    private async Task EnsureRoomAsync(Fixture fixture, int[] members, CancellationToken ct)
    {
        var wanted = members.Order().ToArray();
        if (fixture.Rooms.Any(r => r.Members.Order().SequenceEqual(wanted))) return;

        // The member who owns the fewest rooms so far creates it: the server limits rooms owned per user.
        var owned = fixture.Rooms.GroupBy(r => r.Owner).ToDictionary(g => g.Key, g => g.Count());
        var owner = wanted.MinBy(m => owned.GetValueOrDefault(m));
        if (owned.GetValueOrDefault(owner) >= maxOwnedRooms)
            throw new InvalidOperationException($"every member of the next room already owns {maxOwnedRooms} rooms; use fewer --rooms or more --users");
        var name = $"lt-room-{fixture.Rooms.Count}";
        long roomId;
        try
        {
            roomId = await api.CreateRoomAsync(fixture.Users[owner].Token, name, ct);
        }
        catch (ApiRefusedException e)
        {
            throw new InvalidOperationException($"creating {name} was refused: {e.Reason} (AkkaChat limits rooms per owner: AKKACHAT_MAX_ROOMS)", e);
        }
        log($"room {roomId}: joining {wanted.Length - 1} members");
        await Parallel.ForEachAsync(wanted.Where(m => m != owner), new ParallelOptions { MaxDegreeOfParallelism = setupParallelism, CancellationToken = ct }, async (m, token) =>
            await api.JoinRoomAsync(fixture.Users[m].Token, roomId, token));
        fixture.Rooms.Add(new FixtureRoom(roomId, owner, wanted));
    }
}
