namespace AkkaChat.Edge.Http;

using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using AkkaChat.Edge.Auth;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Operations;
using Microsoft.AspNetCore.RateLimiting;

/// <summary>
/// Per-address limits on <c>/user/login</c> and <c>/user/register</c> (ASP.NET Core's rate limiter, fixed windows,
/// per node), refused with HTTP 429, <c>Retry-After</c> and the <c>code:-1</c> envelope. IPv6 clients are counted per
/// /64, the block one subscriber usually holds. Per-mobile limits need the body and live in the endpoints.
/// </summary>
public static class AuthRateLimits
{
    public const string LoginPolicy = "login-per-address";
    public const string RegisterPolicy = "register-per-address";

    public static IServiceCollection AddAuthRateLimits(this IServiceCollection services, AuthSettings auth) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(LoginPolicy, http => PerAddress(http, auth.LoginsPerAddress, auth.AddressWindow));
            limiter.AddPolicy(RegisterPolicy, http => PerAddress(http, auth.RegistrationsPerAddress, auth.AddressWindow));
            limiter.OnRejected = async (rejected, _) =>
            {
                var http = rejected.HttpContext;
                ChatMetrics.RateLimitHit(http.Request.Path.StartsWithSegments("/user/register") ? "register-address" : "login-address");
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : auth.AddressWindow;
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthRateLimits))
                    .LogWarning("Refused {Path} from {Address}: too many attempts from this address", http.Request.Path.Value, ClientAddress(http));
                await ApiReply.Throttled(http.Response, "too many attempts from your address", retryAfter).ExecuteAsync(http);
            };
        });

    /// <summary>The address limits count against: the TCP peer (behind a reverse proxy, the proxy), IPv6 cut to its /64.</summary>
    public static string ClientAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static RateLimitPartition<string> PerAddress(HttpContext http, int permits, TimeSpan window) =>
        FixedWindows.Partition(ClientAddress(http), permits, window);
}
