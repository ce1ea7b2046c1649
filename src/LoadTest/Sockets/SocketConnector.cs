namespace AkkaChat.LoadTest.Sockets;

using System.Net;
using System.Net.Sockets;
using AkkaChat.LoadTest.Cli;

/// <summary>
/// Opens the TCP connections under the harness's WebSockets, each bound to one of several loopback source
/// addresses (127.0.0.2, 127.0.0.3, ...) so that many sockets to one server port do not run out of ephemeral
/// ports (about 28k per source address). With IP_BIND_ADDRESS_NO_PORT the port is picked at connect time,
/// per destination, which stretches each address further.
/// </summary>
public sealed class SocketConnector : IDisposable
{
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly IPAddress[] _sources;
    private readonly IPEndPoint _target;
    private int _next;

    public SocketConnector(Uri url, int sourceAddresses)
    {
        var address = LoopbackTarget.Address(url);
        _target = new IPEndPoint(address, url.Port);
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
        var source = _sources[(int)((uint)Interlocked.Increment(ref _next) % (uint)_sources.Length)];
        var socket = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (OperatingSystem.IsLinux() && source.AddressFamily == AddressFamily.InterNetwork)
                socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(_target, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
