namespace AkkaChat.LoadTest.Sockets;

/// <summary>
/// Where a protocol-v2 socket stands in its streams: the last sequence number it received in its user's inbox and
/// in each room. <c>synced</c> sets them for every stream the server names, every message moves its stream on, and a
/// reconnecting socket syncs from here, as a real client resumes (docs/PROTOCOL.md §3). The receive loop writes; a
/// reconnect reads, possibly while the loop of the dropped connection still runs, hence the lock.
/// </summary>
public sealed class StreamPositions
{
    private readonly Dictionary<long, long> _rooms = [];
    private long _inbox;

    public void Inbox(long seq)
    {
        lock (_rooms) _inbox = Math.Max(_inbox, seq);
    }

    public void Room(long room, long seq)
    {
        lock (_rooms) _rooms[room] = Math.Max(_rooms.GetValueOrDefault(room), seq);
    }

    public (long Inbox, KeyValuePair<long, long>[] Rooms) Snapshot()
    {
        lock (_rooms) return (_inbox, _rooms.ToArray());
    }
}
