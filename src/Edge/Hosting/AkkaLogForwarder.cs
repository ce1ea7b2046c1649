namespace AkkaChat.Edge.Hosting;

using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>
/// Akka's logger: every Akka log event to Microsoft.Extensions.Logging, under a category named after its source (the
/// actor's class, or "Akka." and the source's name, such as <c>Akka.Cluster</c>), with only the message as text.
/// </summary>
/// <remarks>
/// Akka.Hosting's own <c>LoggerFactoryLogger</c> writes every event under one category with Akka's whole line (level,
/// timestamp, thread) as the message: twice stamped in text and not filterable by source, which the quiet start needs.
/// </remarks>
public sealed class AkkaLogForwarder : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = [];

    public AkkaLogForwarder()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _factory = setup.HasValue ? setup.Value.LoggerFactory : throw new ConfigurationException("AkkaLogForwarder needs a LoggerFactorySetup");
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent e:
                Forward(e);
                return true;
            default:
                return false;
        }
    }

    private void Forward(LogEvent e)
    {
        var category = Category(e);
        if (!_loggers.TryGetValue(category, out var logger)) _loggers[category] = logger = _factory.CreateLogger(category);
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => MelLogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => MelLogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => MelLogLevel.Warning,
            _ => MelLogLevel.Error,
        };
        if (!logger.IsEnabled(level)) return;
        logger.Log(level, default, new AkkaEntry(Text(e), e.LogSource), e.Cause, static (entry, _) => entry.Message);
    }

    private static string Category(LogEvent e)
    {
        if (e.LogClass != typeof(DummyClassForStringSources)) return e.LogClass.FullName ?? "Akka";
        var source = e.LogSource ?? "";
        var end = source.IndexOf(" (", StringComparison.Ordinal);
        return "Akka." + (end > 0 ? source[..end] : source);
    }

    private static string Text(LogEvent e)
    {
        try
        {
            return e.Message?.ToString() ?? "";
        }
        catch (FormatException)
        {
            return e.Message is LogMessage m ? $"(unformattable) {m.Format}" : "(unformattable)";
        }
    }

    /// <summary>The structured state: the message, and the source (an actor path for actors) for JSON logs.</summary>
    private sealed class AkkaEntry(string message, string source) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public int Count => 3;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("Message", message),
            1 => new("Source", source),
            2 => new("{OriginalFormat}", "{Message}"),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// Akka's logger for the moments <see cref="AkkaLogForwarder"/> is not running (the start of the actor system, the end of
/// its shutdown): warnings and errors as one line on stderr, the rest dropped, so stdout holds only the chosen format.
/// </summary>
public sealed class AkkaStderrLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is LogEvent e && e.LogLevel() >= Akka.Event.LogLevel.WarningLevel)
            Console.Error.WriteLine($"akka {e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToLowerInvariant()}: {e.LogSource}: {e.Message}");
    }
}
