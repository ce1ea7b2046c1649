namespace AkkaChat.LoadTest.Sockets;

using System.Net;
using System.Net.Sockets;
using AkkaChat.LoadTest.Cli;

/// <summary>
/// Opens the TCP connections under the harness's WebSockets, each bound to one of several loopback source
/// addresses (127.0.0.2, 127.0.0.3, ...) so that many sockets to one server port do not run out of ephemeral
/// ports (about 28k per source address). With IP_BIND_ADDRESS_NO_PORT the port is picked at connect time,
/// per destination, which stretches each address further. The destination is the one asked for (several nodes of
/// a cluster share one connector).
/// </summary>
public sealed class SocketConnector : IDisposable
{
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly IPAddress[] _sources;
    private int _next;

    public SocketConnector(Uri url, int sourceAddresses)
    {
        var address = LoopbackTarget.Address(url);
        _sources = address.AddressFamily == AddressFamily.InterNetwork
            ? [.. Enumerable.Range(2, sourceAddresses).Select(i => new IPAddress(new byte[] { 127, 0, 0, (byte)i }))]
            : [IPAddress.IPv6Loopback];
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1),
        });
    }

    /// <summary>Passed to <see cref="System.Net.WebSockets.ClientWebSocket.ConnectAsync(Uri, HttpMessageInvoker, CancellationToken)"/>.</summary>
    public HttpMessageInvoker Invoker { get; }

    public IReadOnlyList<IPAddress> Sources => _sources;

    public void Dispose() => Invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var target = new IPEndPoint(IPAddress.TryParse(host, out var ip) ? ip : IPAddress.Loopback, context.DnsEndPoint.Port);
        return new NetworkStream(await ConnectTcpAsync(target, ct), ownsSocket: true);
    }

    /// <summary>A TCP connection to <paramref name="target"/> from the next source address (WebSockets and the raw TCP edge alike).</summary>
    public async Task<Socket> ConnectTcpAsync(IPEndPoint target, CancellationToken ct)
    {
        var source = _sources[(int)((uint)Interlocked.Increment(ref _next) % (uint)_sources.Length)];
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // A source of the other address family (an IPv6 node among IPv4 ones) cannot be bound: the kernel picks then.
            if (source.AddressFamily == target.AddressFamily)
            {
                if (OperatingSystem.IsLinux() && source.AddressFamily == AddressFamily.InterNetwork)
                    socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(source, 0));
            }
            await socket.ConnectAsync(target, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
