namespace AkkaChat.Edge.Transport.Tcp;

/// <summary>
/// The protocol side of one TCP connection: what the edge hands each inbound frame to. The node opens one per connection
/// through the <see cref="OpenTcpConnection"/> it is given (the seed-003 protocol); the edge knows only frames.
/// </summary>
public interface ITcpFrameHandler
{
    /// <summary>One inbound frame (its payload, without the length); called in order, one call at a time.</summary>
    ValueTask OnFrameAsync(byte[] frame);

    /// <summary>The read side ended (the client went away, or the connection is closing): called once, last.</summary>
    void OnClosed();
}

/// <summary>Opens the protocol side of a new TCP connection whose outbound frames go through <paramref name="session"/>.</summary>
public delegate ITcpFrameHandler OpenTcpConnection(SocketSession session, string remote);
