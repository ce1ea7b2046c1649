namespace AkkaChat.Edge.Hosting;

using Akka.Hosting;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging.Console;
using AkkaLogLevel = Akka.Event.LogLevel;

public enum LogFormat
{
    /// <summary>One line per entry: UTC time, level, category, message.</summary>
    Text,

    /// <summary>One JSON object per line (Microsoft's JSON console formatter), for log shippers.</summary>
    Json,
}

/// <summary>How a node logs: <c>AKKACHAT_LOG_FORMAT</c> (text | json) and <c>AKKACHAT_LOG_LEVEL</c> (the least level written).</summary>
public sealed record LogSettings(LogFormat Format, LogLevel Level)
{
    public static readonly LogSettings Default = new(LogFormat.Text, LogLevel.Information);

    public static LogSettings Parse(string format, string level) => new(
        format.ToLowerInvariant() switch
        {
            "text" => LogFormat.Text,
            "json" => LogFormat.Json,
            _ => throw new ArgumentException($"AKKACHAT_LOG_FORMAT={format} is not a log format (text or json)"),
        },
        level.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "information" or "info" => LogLevel.Information,
            "warning" or "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => throw new ArgumentException($"AKKACHAT_LOG_LEVEL={level} is not a log level (trace, debug, information, warning or error)"),
        });
}

/// <summary>
/// One log pipeline for the whole node: ASP.NET Core, AkkaChat and Akka (through <see cref="AkkaLogForwarder"/>) all write
/// through Microsoft.Extensions.Logging to one console formatter.
/// </summary>
public static class ChatLogging
{
    /// <summary>
    /// Akka categories whose Information entries are start-up and hand-over chatter (remoting's banner, singletons and
    /// shard coordinators starting, the split-brain resolver's leadership): shown from Warning unless the level is Debug.
    /// Membership changes are logged by <see cref="ClusterMembersLog"/> instead.
    /// </summary>
    private static readonly string[] QuietCategories =
        ["Akka.remoting", "Akka.Remote", "Akka.Cluster.Tools", "Akka.Cluster.Sharding", "Akka.Cluster.SBR", "Akka.Actor.CoordinatedShutdown", "Akka.Hosting"];

    public static ILoggingBuilder AddChatLogging(this ILoggingBuilder logging, LogSettings settings)
    {
        logging.ClearProviders();
        if (settings.Format == LogFormat.Json)
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(text =>
            {
                text.SingleLine = true;
                text.UseUtcTimestamp = true;
                text.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                text.ColorBehavior = LoggerColorBehavior.Default;
            });
        }
        logging.SetMinimumLevel(settings.Level);
        // The host's own start-up lines (listening on, content root, press Ctrl+C) are replaced by AkkaChat's one line.
        logging.AddFilter("Microsoft.Hosting.Lifetime", Max(settings.Level, LogLevel.Warning));
        if (settings.Level > LogLevel.Debug)
        {
            foreach (var category in QuietCategories) logging.AddFilter(category, Max(settings.Level, LogLevel.Warning));
        }
        return logging;
    }

    /// <summary>Akka's logging goes to <paramref name="loggerFactory"/> only; its own console logger is off.</summary>
    public static AkkaConfigurationBuilder WithChatLogging(this AkkaConfigurationBuilder akka, LogSettings settings, ILoggerFactory loggerFactory)
    {
        akka.AddSetup(new LoggerFactorySetup(loggerFactory));
        akka.ConfigureLoggers(loggers =>
        {
            // Akka's own debug entries (every dead letter, every shard message) are for Trace.
            loggers.LogLevel = settings.Level switch
            {
                LogLevel.Trace => AkkaLogLevel.DebugLevel,
                <= LogLevel.Information => AkkaLogLevel.InfoLevel,
                LogLevel.Warning => AkkaLogLevel.WarningLevel,
                _ => AkkaLogLevel.ErrorLevel,
            };
            loggers.ClearLoggers();
            loggers.AddLogger<AkkaLogForwarder>();
        });
        // Before the forwarder starts and after it stops (the last moments of a shutdown) Akka writes to its stdout logger,
        // at INFO too whatever stdout-loglevel says: a second format in text, unparseable lines in JSON. AkkaStderrLogger
        // keeps warnings and errors (on stderr) and drops the rest. The cluster's informational entries come back at Debug
        // (see QuietCategories).
        akka.AddHocon($"""
            akka.stdout-logger-class = "{typeof(AkkaStderrLogger).FullName}, {typeof(AkkaStderrLogger).Assembly.GetName().Name}"
            akka.stdout-loglevel = WARNING
            akka.cluster.log-info = {(settings.Level <= LogLevel.Debug ? "on" : "off")}
            """, HoconAddMode.Prepend);
        return akka;
    }

    private static LogLevel Max(LogLevel a, LogLevel b) => a > b ? a : b;
}
