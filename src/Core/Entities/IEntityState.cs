namespace AkkaChat.Core;

/// <summary>An entity's state: a pure <see cref="Apply"/>, its snapshot, and the work it still owes other entities.</summary>
public interface IEntityState<TState>
    where TState : IEntityState<TState>
{
    /// <summary>
    /// Commands this state waits to see confirmed (a saga's other half). The entity sends each after recovery and
    /// re-sends all every few seconds until the state no longer lists it: one mechanism for every saga. Enumerated only
    /// on recovery, on the retry tick and after a decision with follow-ups, never per chat message.
    /// </summary>
    IEnumerable<object> Outstanding { get; }

    /// <summary>The state after <paramref name="e"/>; also applies the entity's own snapshot type.</summary>
    TState Apply(IChatEvent e);

    /// <summary>The snapshot of this state, or null: this entity does not snapshot.</summary>
    IChatEvent? ToSnapshot();
}
