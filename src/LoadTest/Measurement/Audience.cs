namespace AkkaChat.LoadTest.Measurement;

/// <summary>
/// The sockets that must receive a message sent to one target, whoever of them sends it: for a 1:1 message the
/// sockets of both friends (the recipient's, and the sender's other devices get a copy); for a room, the sockets
/// of every member. The sending socket itself is excluded per message.
/// </summary>
public sealed class Audience
{
    private readonly Dictionary<int, int> _indexOf;

    public Audience(int cmd, long targetId, int[] sockets)
    {
        Cmd = cmd;
        TargetId = targetId;
        Sockets = sockets;
        _indexOf = new Dictionary<int, int>(sockets.Length);
        for (var i = 0; i < sockets.Length; i++) _indexOf[sockets[i]] = i;
    }

    /// <summary>The protocol command that reaches this audience (10 direct, 11 room).</summary>
    public int Cmd { get; }

    /// <summary>The dstid: the friend's user id (per sender, see <see cref="Measurement.MessageLedger"/>) or the room id.</summary>
    public long TargetId { get; }

    public int[] Sockets { get; }

    public int Size => Sockets.Length;

    /// <summary>Position of a socket in this audience, or -1.</summary>
    public int IndexOf(int socket) => _indexOf.TryGetValue(socket, out var i) ? i : -1;
}
