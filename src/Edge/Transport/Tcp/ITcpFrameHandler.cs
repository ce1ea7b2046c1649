namespace AkkaChat.Edge.Transport.Tcp;

/// <summary>
/// The protocol side of one TCP connection: what the edge hands each inbound frame to (<see cref="IInboundFrames.OnFrameAsync"/>,
/// in order, one call at a time, the payload without its length) and tells when the read side ended. The node opens one per
/// connection through the <see cref="OpenTcpConnection"/> it is given (the seed-003 protocol); the edge knows only frames.
/// </summary>
public interface ITcpFrameHandler : IInboundFrames
{
    /// <summary>The read side ended (the client went away, or the connection is closing): called once, last.</summary>
    void OnClosed();
}

/// <summary>Opens the protocol side of a new TCP connection whose outbound frames go through <paramref name="session"/>.</summary>
public delegate ITcpFrameHandler OpenTcpConnection(SocketSession session, string remote);

/// <summary>A protocol's frame sink and its close callback as a <see cref="ITcpFrameHandler"/>.</summary>
public sealed class TcpFrameHandler(IInboundFrames frames, Action closed) : ITcpFrameHandler
{
    public ValueTask OnFrameAsync(byte[] frame) => frames.OnFrameAsync(frame);

    public void OnClosed() => closed();
}
