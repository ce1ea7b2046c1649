namespace AkkaChat.LoadTest.Cli;

using System.Net;

/// <summary>The harness only ever loads this machine: the target must be a loopback address.</summary>
public static class LoopbackTarget
{
    public static Uri Validate(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"--url must be an http:// URL, not '{url}'");
        var host = uri.Host.Trim('[', ']');
        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback)
            throw new ArgumentException($"refusing to load '{uri.Host}': the harness only targets loopback addresses (127.0.0.0/8, ::1, localhost)");
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary>The address to connect to: localhost means 127.0.0.1.</summary>
    public static IPAddress Address(Uri url)
    {
        var host = url.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? ip : IPAddress.Loopback;
    }
}
