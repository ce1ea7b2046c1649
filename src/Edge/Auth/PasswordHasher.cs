namespace AkkaChat.Edge.Auth;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// Salted PBKDF2-HMAC-SHA256. The stored form names its parameters (<c>pbkdf2-sha256$iterations$salt$hash</c>), so a
/// hash made with fewer iterations than configured still verifies and is replaced at the next successful login.
/// Costly by design: runs on the caller's thread, never on an actor.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>OWASP's guidance for PBKDF2-HMAC-SHA256 (2023); the default of <c>auth.pbkdf2-iterations</c>.</summary>
    public const int RecommendedIterations = 600_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Scheme = "pbkdf2-sha256";

    public PasswordHasher(int iterations)
    {
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), "PBKDF2 needs at least one iteration");
        Iterations = iterations;
    }

    /// <summary>Iterations for new hashes; stored hashes with fewer are upgraded on login.</summary>
    public int Iterations { get; }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public PasswordVerdict Verify(string password, string stored)
    {
        if (StoredIterations(stored) is not { } iterations) return PasswordVerdict.Wrong;
        var parts = stored.Split('$');
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return PasswordVerdict.Wrong;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected)) return PasswordVerdict.Wrong;
        return iterations < Iterations ? PasswordVerdict.RightNeedsRehash : PasswordVerdict.Right;
    }

    /// <summary>The iteration count a stored hash was made with, or null when it is not one of ours.</summary>
    public static int? StoredIterations(string stored)
    {
        var parts = stored.Split('$');
        return parts.Length == 4 && parts[0] == Scheme && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) && iterations > 0
            ? iterations
            : null;
    }
}

public enum PasswordVerdict
{
    Wrong,
    Right,

    /// <summary>Right, but hashed with fewer iterations than configured: store a new hash.</summary>
    RightNeedsRehash,
}
