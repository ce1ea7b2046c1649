namespace AkkaChat.Edge.Hosting;

using System.Net;

/// <summary>
/// Whether a request comes from the node's own machine: the one rule behind <c>/admin</c> and <c>/metrics</c>. Kestrel
/// on a dual-stack socket reports an IPv4 loopback caller as <c>::ffff:127.0.0.1</c>, which is mapped back first.
/// </summary>
public static class LocalCaller
{
    public static bool Is(IPAddress? caller) =>
        caller is not null && IPAddress.IsLoopback(caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller);
}
