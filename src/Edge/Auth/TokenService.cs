namespace AkkaChat.Edge.Auth;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AkkaChat.Core.Ids;
using Microsoft.AspNetCore.WebUtilities;

/// <summary>
/// Login tokens: <c>base64url(userId.expiry.stamp.generation).base64url(HMAC-SHA256)</c>. URL-safe (the seed client
/// puts the token in the /chat URL), signed with the server secret, and they expire. The stamp and generation bind a
/// token to one account's current sessions; <see cref="SessionGate"/> checks them against the user entity.
/// </summary>
public sealed class TokenService
{
    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;

    public TokenService(byte[] key, TimeSpan lifetime, TimeProvider? clock = null)
    {
        if (key.Length < 32) throw new ArgumentException("the token key needs at least 32 bytes", nameof(key));
        _key = key;
        _lifetime = lifetime;
        _clock = clock ?? TimeProvider.System;
    }

    public TimeSpan Lifetime => _lifetime;

    /// <summary>The secret from configuration, or one generated on first start and kept in <c>{dataDir}/secret.key</c>.</summary>
    public static byte[] LoadOrCreateKey(string? configured, string dataDir)
    {
        if (configured is not null)
        {
            if (configured.Length < 32) throw new ArgumentException("AKKACHAT_SECRET must be at least 32 characters");
            return SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        }
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "secret.key");
        if (File.Exists(path)) return Convert.FromHexString(File.ReadAllText(path).Trim());
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(path, Encoding.ASCII, options)) writer.Write(Convert.ToHexString(key));
        return key;
    }

    public (string Token, DateTimeOffset Expires) Issue(TokenClaims claims)
    {
        var expires = _clock.GetUtcNow() + _lifetime;
        var body = Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"{claims.User.Value}.{expires.ToUnixTimeSeconds()}.{claims.Stamp}.{claims.Generation}"));
        return (WebEncoders.Base64UrlEncode(body) + "." + WebEncoders.Base64UrlEncode(Sign(body)), expires);
    }

    /// <summary>
    /// What a token claims, or null when it is malformed, forged or expired. Tokens of the earlier two-part form (before
    /// sessions were bound to accounts) are refused: their holders log in again.
    /// </summary>
    public TokenClaims? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 256) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        byte[] body, signature;
        try
        {
            body = WebEncoders.Base64UrlDecode(token[..dot]);
            signature = WebEncoders.Base64UrlDecode(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Sign(body), signature)) return null;
        var parts = Encoding.ASCII.GetString(body).Split('.');
        if (parts.Length != 4
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var stamp)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            return null;
        return _clock.GetUtcNow().ToUnixTimeSeconds() < expiry ? new TokenClaims(new UserId(id), stamp, generation) : null;
    }

    private byte[] Sign(byte[] body) => HMACSHA256.HashData(_key, body);
}

/// <summary>Who a token speaks for, and which of their sessions: the account's stamp and the session generation it was issued in.</summary>
public sealed record TokenClaims(UserId User, long Stamp, long Generation);
