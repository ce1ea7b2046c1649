namespace AkkaChat.Edge.Hosting;

/// <summary>
/// A node that cannot start for a reason its operator can fix (a bad setting, a port in use, storage out of reach):
/// <c>Program</c> prints the message as one line on stderr and exits with <see cref="ExitCode"/>, without a stack trace.
/// </summary>
public sealed class StartupException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A bad AKKACHAT_* value, <c>--urls</c>, HOCON file or connection string.</summary>
    public const int BadConfiguration = 2;

    /// <summary>The HTTP or remoting port is taken, or the bind address is not this machine's.</summary>
    public const int CannotListen = 3;

    /// <summary>The database (or the data directory) cannot be opened.</summary>
    public const int StorageUnavailable = 4;

    public int ExitCode => exitCode;
}
