namespace AkkaChat.Core;

/// <summary>
/// What a state decides for one command: the events to store (none, one or several), the reply to the asker or a
/// <see cref="Refused"/>, and what follows once they are stored — commands to other entities, answers to waiters. Pure
/// data; <see cref="ChatEntity{TState}.Execute"/> interprets it.
/// </summary>
/// <remarks>
/// <see cref="Send"/>, <see cref="Await"/> and <see cref="Answer"/> add to the decision and return it, so one decision
/// is one allocation on the message paths; the shared <see cref="Ignore"/> is copied first, never changed.
/// </remarks>
public sealed class Decision
{
    /// <summary>No reply, nothing stored.</summary>
    public static readonly Decision Ignore = new(null, null, null);

    private readonly IChatEvent? _event;
    private readonly IReadOnlyList<IChatEvent>? _events;
    private List<object>? _sends;
    private List<KeyValuePair<object, object>>? _answers;

    private Decision(IChatEvent? single, IReadOnlyList<IChatEvent>? events, object? reply)
    {
        _event = single;
        _events = events;
        ReplyMessage = reply;
    }

    /// <summary>The events to store, in order; empty when nothing is stored.</summary>
    public IReadOnlyList<IChatEvent> Events => _events ?? (_event is null ? [] : [_event]);

    /// <summary>What the asker gets (a <see cref="Refused"/> for a refusal); null: nothing, or the asker waits (<see cref="AwaitKey"/>).</summary>
    public object? ReplyMessage { get; }

    public bool IsRefusal => ReplyMessage is Refused;

    /// <summary>Set by <see cref="Await"/>: the asker joins the waiters under this key instead of being answered now.</summary>
    public object? AwaitKey { get; private set; }

    /// <summary>Commands to other entities, sent after the events are stored.</summary>
    public IReadOnlyList<object> Sends => _sends ?? (IReadOnlyList<object>)[];

    /// <summary>Replies to waiters, by their key, sent after the events are stored.</summary>
    public IReadOnlyList<KeyValuePair<object, object>> Answers => _answers ?? (IReadOnlyList<KeyValuePair<object, object>>)[];

    internal int EventCount => _events?.Count ?? (_event is null ? 0 : 1);

    internal IChatEvent? SingleEvent => _event;

    internal bool HasFollowUps => _sends is not null || _answers is not null || AwaitKey is not null;

    /// <summary>Nothing to store; <paramref name="reply"/> goes to the asker.</summary>
    public static Decision Reply(object reply) => new(null, null, reply);

    /// <summary>Nothing changed; the asker gets <c>new Refused(code, reason)</c>.</summary>
    public static Decision Refuse(string code, string reason) => new(null, null, new Refused(code, reason));

    /// <summary>Persist <paramref name="e"/>, apply it, then reply with <paramref name="reply"/> (if any).</summary>
    public static Decision Store(IChatEvent e, object? reply = null) => new(e, null, reply);

    /// <summary>Persist all <paramref name="events"/> (none is fine), apply each, then reply once.</summary>
    public static Decision Store(IReadOnlyList<IChatEvent> events, object? reply = null) =>
        events.Count == 1 ? new(events[0], null, reply) : new(null, events.Count == 0 ? null : events, reply);

    /// <summary>After storing, tell <paramref name="command"/> to the entity it is addressed to (by its marker interface).</summary>
    public Decision Send(object command)
    {
        var d = Editable();
        (d._sends ??= []).Add(command);
        return d;
    }

    /// <summary>The asker is not answered now: it waits under <paramref name="key"/> until a decision <see cref="Answer"/>s that key.</summary>
    public Decision Await(object key)
    {
        var d = Editable();
        d.AwaitKey = key;
        return d;
    }

    /// <summary>After storing, every asker waiting under <paramref name="key"/> gets <paramref name="reply"/>.</summary>
    public Decision Answer(object key, object reply)
    {
        var d = Editable();
        (d._answers ??= []).Add(new(key, reply));
        return d;
    }

    public override string ToString() =>
        $"Decision(events: {EventCount}, reply: {ReplyMessage}, await: {AwaitKey}, sends: {_sends?.Count ?? 0}, answers: {_answers?.Count ?? 0})";

    private Decision Editable() => ReferenceEquals(this, Ignore) ? new Decision(null, null, null) : this;
}
