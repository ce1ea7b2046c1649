namespace AkkaChat.Edge.Tests;

using System.Net;
using System.Net.Sockets;

/// <summary>
/// A loopback port free now, for a node a test starts. Below Linux's ephemeral range (32768-60999): a port from that
/// range can be taken, before the node binds it, as the local end of any outgoing connection other tests open meanwhile.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free loopback port between 20000 and 32000 after 200 tries");
    }
}
