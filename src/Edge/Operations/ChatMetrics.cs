namespace AkkaChat.Edge.Operations;

using System.Diagnostics.Metrics;
using AkkaChat.Core.Diagnostics;

/// <summary>
/// The edge's instruments on the <c>AkkaChat</c> meter (<see cref="ChatMeter"/>): sockets, handshakes, messages received
/// from clients and delivered to sockets, ask time-outs, refusals and rate-limit hits. Process-wide, like the meter: one
/// node per process. The hot-path calls are a counter add with one or two preallocated tags and, for what
/// <c>/admin/node</c> shows, an interlocked total; no lock, no allocation.
/// </summary>
public static class ChatMetrics
{
    public const string Seed000 = "seed000";
    public const string V2 = "v2";
    public const string Seed003 = "seed003";

    private static readonly KeyValuePair<string, object?> Seed000Tag = new("protocol", Seed000);
    private static readonly KeyValuePair<string, object?> V2Tag = new("protocol", V2);
    private static readonly KeyValuePair<string, object?> Seed003Tag = new("protocol", Seed003);
    private static readonly KeyValuePair<string, object?> Accepted = new("result", "accepted");
    private static readonly KeyValuePair<string, object?> Refused = new("result", "refused");

    /// <summary>The <c>code</c> of an HTTP API refusal (the <c>{"code":-1,…}</c> envelope).</summary>
    public const string HttpRefusal = "-1";

    private static readonly Counter<long> Handshakes = ChatMeter.Meter.CreateCounter<long>(
        "akkachat.handshakes", "{handshake}", "WebSocket handshakes on /chat, accepted or refused (bad token, unknown user, busy)");
    private static readonly Counter<long> Received = ChatMeter.Meter.CreateCounter<long>(
        "akkachat.messages.received", "{message}", "Chat messages received from clients' sockets and passed to an entity");
    private static readonly Counter<long> Delivered = ChatMeter.Meter.CreateCounter<long>(
        "akkachat.messages.delivered", "{message}", "Chat messages queued on sockets (live pushes and catch-up)");
    private static readonly Counter<long> AskTimeouts = ChatMeter.Meter.CreateCounter<long>(
        "akkachat.ask.timeouts", "{timeout}", "Requests and handshakes that gave up waiting for an entity");
    private static readonly Counter<long> Refusals = ChatMeter.Meter.CreateCounter<long>(
        "akkachat.refusals", "{refusal}", "Refusals by code: -1 for the HTTP API's envelope, the frame's code for socket error frames");
    private static readonly Counter<long> RateLimitHits = ChatMeter.Meter.CreateCounter<long>(
        "akkachat.ratelimit.hits", "{hit}", "Requests and frames refused by a rate limit, by limit");

    private static long _seed000Open;
    private static long _v2Open;
    private static long _seed003Open;
    private static long _receivedTotal;
    private static long _deliveredTotal;

    static ChatMetrics()
    {
        ChatMeter.Meter.CreateObservableUpDownCounter("akkachat.sockets.open", ObserveSockets, "{socket}", "Open WebSockets on this node, by protocol");
    }

    public static long Seed000Open => Interlocked.Read(ref _seed000Open);
    public static long V2Open => Interlocked.Read(ref _v2Open);
    public static long Seed003Open => Interlocked.Read(ref _seed003Open);
    public static long ReceivedTotal => Interlocked.Read(ref _receivedTotal);
    public static long DeliveredTotal => Interlocked.Read(ref _deliveredTotal);

    public static void Handshake(bool v2, bool accepted) => Handshakes.Add(1, v2 ? V2Tag : Seed000Tag, accepted ? Accepted : Refused);

    public static void SocketOpened(bool v2) => Interlocked.Increment(ref v2 ? ref _v2Open : ref _seed000Open);

    public static void SocketClosed(bool v2) => Interlocked.Decrement(ref v2 ? ref _v2Open : ref _seed000Open);

    /// <summary>A seed-003 connection (<c>/ws</c> or TCP) signed in or was refused; it counts as open from its sign to its end.</summary>
    public static void Seed003Sign(bool accepted) => Handshakes.Add(1, Seed003Tag, accepted ? Accepted : Refused);

    public static void Seed003Opened() => Interlocked.Increment(ref _seed003Open);

    public static void Seed003Closed() => Interlocked.Decrement(ref _seed003Open);

    /// <summary>A chat message from a client, on its way to its entity (<see cref="ChatMeter.Direct"/> or <see cref="ChatMeter.Room"/>).</summary>
    public static void MessageReceived(KeyValuePair<string, object?> kind)
    {
        Received.Add(1, kind);
        Interlocked.Increment(ref _receivedTotal);
    }

    /// <summary>A chat message queued on a socket.</summary>
    public static void MessageDelivered(KeyValuePair<string, object?> kind)
    {
        Delivered.Add(1, kind);
        Interlocked.Increment(ref _deliveredTotal);
    }

    public static void AskTimedOut() => AskTimeouts.Add(1);

    /// <summary>A refusal; <paramref name="code"/> must come from a fixed set (a literal), never from client input.</summary>
    public static void Refusal(string code) => Refusals.Add(1, new KeyValuePair<string, object?>("code", code));

    /// <summary>A rate-limit hit: <c>socket</c> (frames per socket and user), <c>login-address</c>, <c>register-address</c>, <c>login-mobile</c>, <c>register-mobile</c>.</summary>
    public static void RateLimitHit(string limit) => RateLimitHits.Add(1, new KeyValuePair<string, object?>("limit", limit));

    private static IEnumerable<Measurement<long>> ObserveSockets() =>
    [
        new(Seed000Open, Seed000Tag),
        new(V2Open, V2Tag),
        new(Seed003Open, Seed003Tag),
    ];
}
