namespace AkkaChat.Edge.Hosting;

using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using AkkaChat.Persistence.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>
/// What is checked before anything starts, so a mistake costs one clear line instead of a half-started node: the HOCON
/// files parse, the connection string reads, the bind address is this machine's, and the HTTP and remoting ports are free.
/// </summary>
public static class StartupChecks
{
    /// <summary>
    /// <see cref="ChatOptions.Load"/>, its refusals as a <see cref="StartupException"/>: its own messages name the variable;
    /// anything else came from reading akkachat.conf (a value of the wrong type, a missing one).
    /// </summary>
    public static ChatOptions Options(IReadOnlyDictionary<string, string?> env, string? hoconDir = null)
    {
        try
        {
            return ChatOptions.Load(env, hoconDir);
        }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
        {
            throw new StartupException(StartupException.BadConfiguration, OneLine(e.Message), e);
        }
        catch (Exception e)
        {
            var path = Path.Combine(hoconDir ?? Path.Combine(AppContext.BaseDirectory, "hocon"), "akkachat.conf");
            throw new StartupException(StartupException.BadConfiguration, $"a value in {path} has the wrong type or is missing ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>The HOCON files the actor system reads at start (akkachat.conf is read by <see cref="ChatOptions.Load"/>).</summary>
    public static void Hocon(ChatOptions options)
    {
        foreach (var file in new[] { "akka.conf", "cluster.conf", "sharding.conf", options.Storage.HoconFile })
        {
            var path = Path.Combine(options.HoconDir, file);
            try
            {
                ConfigurationFactory.ParseString(File.ReadAllText(path));
            }
            catch (Exception e)
            {
                throw new StartupException(StartupException.BadConfiguration, $"cannot read {path}: {OneLine(e.Message)}", e);
            }
        }
    }

    public static void ConnectionString(ChatOptions options)
    {
        if (options.Storage.Kind != StorageKind.Postgres) return;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.Storage.ConnectionString);
        }
        catch (ArgumentException e)
        {
            // Npgsql's message names the bad keyword, never the password.
            throw new StartupException(StartupException.BadConfiguration, $"AKKACHAT_PG is not an Npgsql connection string: {OneLine(e.Message)}", e);
        }
    }

    public static IPAddress BindAddress(ChatOptions options) =>
        IPAddress.TryParse(options.Bind, out var address)
            ? address
            : throw new StartupException(StartupException.BadConfiguration, $"AKKACHAT_BIND={options.Bind} is not an IP address (such as 127.0.0.1 or 0.0.0.0)");

    /// <summary>The TCP edge's listen address (AKKACHAT_TCP_HOST), which must be an IP address like AKKACHAT_BIND.</summary>
    public static IPAddress TcpHost(ChatOptions options) =>
        IPAddress.TryParse(options.TcpHost, out var address)
            ? address
            : throw new StartupException(StartupException.BadConfiguration, $"AKKACHAT_TCP_HOST={options.TcpHost} is not an IP address (such as 127.0.0.1 or 0.0.0.0)");

    /// <summary>
    /// The HTTP endpoints <c>--urls</c> / <c>ASPNETCORE_URLS</c> ask for, as address and port, or a clear refusal of a value
    /// Kestrel would not take. Host names other than localhost listen on every address, as Kestrel does.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> Urls(string urls)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress binding;
            try
            {
                binding = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                throw new StartupException(StartupException.BadConfiguration, $"--urls/ASPNETCORE_URLS: '{url}' is not a URL such as http://127.0.0.1:8080");
            }
            if (binding.IsUnixPipe || binding.IsNamedPipe) continue;
            if (!string.Equals(binding.Scheme, "http", StringComparison.OrdinalIgnoreCase))
                throw new StartupException(StartupException.BadConfiguration, $"--urls/ASPNETCORE_URLS: '{url}' is not http:// (AkkaChat serves plain HTTP; put TLS in a reverse proxy)");
            var address = binding.Host switch
            {
                "localhost" => IPAddress.Loopback,
                var host when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => ip,
                _ => IPAddress.Any,
            };
            endpoints.Add(new IPEndPoint(address, binding.Port));
        }
        return endpoints;
    }

    /// <summary>
    /// Binds and releases each port. Without this a taken HTTP port aborts the start late, and a taken remoting port could
    /// even be shared (Akka's transport asks for address reuse, which on Linux lets a second listener in).
    /// </summary>
    public static void PortFree(IPEndPoint endpoint, string what, string setting)
    {
        if (endpoint.Port == 0) return;
        try
        {
            // No ReuseAddress: on Linux .NET would add SO_REUSEPORT, which lets this probe share a port with a listener.
            using var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(endpoint);
            listener.Listen(1);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException(StartupException.CannotListen, $"{what} port {endpoint.Port} on {endpoint.Address} is already in use ({setting}): is another node or program running there?", e);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new StartupException(StartupException.CannotListen, $"cannot listen on {endpoint.Address}: it is not an address of this machine ({setting})", e);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new StartupException(StartupException.CannotListen, $"{what} port {endpoint.Port} on {endpoint.Address} needs privileges this process does not have ({setting})", e);
        }
    }

    /// <summary>Runs a step that opens storage; its failure becomes one line naming the database (never the password).</summary>
    public static T Storage<T>(ChatOptions options, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is NpgsqlException or SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException)
        {
            var inner = e.InnerException is { } cause && cause.Message != e.Message ? $" ({OneLine(cause.Message)})" : "";
            throw new StartupException(StartupException.StorageUnavailable, $"cannot open the {Describe(options)}: {OneLine(e.Message)}{inner}", e);
        }
    }

    private static string Describe(ChatOptions options)
    {
        if (options.Storage.Kind == StorageKind.Sqlite)
            return $"SQLite database {new SqliteConnectionStringBuilder(options.Storage.ConnectionString).DataSource}";
        var pg = new NpgsqlConnectionStringBuilder(options.Storage.ConnectionString);
        return $"PostgreSQL database {pg.Database ?? pg.Username ?? "(default)"} at {pg.Host}:{pg.Port} (AKKACHAT_PG)";
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
