namespace AkkaChat.Core.Ids;

/// <summary>Commands to the <see cref="IdBlockEntity"/> of one id kind.</summary>
public static class IdBlockCommands
{
    /// <summary>Reserve the next <paramref name="Count"/> ids of <paramref name="Kind"/>; ids start at <paramref name="FirstId"/>.</summary>
    public sealed record ReserveIdBlock(string Kind, long FirstId, int Count) : IWithIdKind;
}

public static class IdBlockEvents
{
    /// <summary>Ids [Start, Start + Count) belong to whoever asked; they are never handed out again.</summary>
    public sealed record IdBlockReserved(long Start, int Count) : IChatEvent;
}

public static class IdBlockReplies
{
    public sealed record IdBlockGranted(string Kind, long Start, int Count);
}

/// <summary>Asks the local <see cref="IdLeaser"/> for one fresh id.</summary>
public sealed record NextId : Akka.Actor.INoSerializationVerificationNeeded
{
    public static readonly NextId Instance = new();
}

public sealed record IdLeased(long Id) : Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>Well-known id kinds and where their numbering starts.</summary>
public static class IdKinds
{
    public const string User = "user";
    public const string Room = "room";

    public static long FirstId(string kind) => kind switch
    {
        User => 10_000,
        Room => 100,
        _ => 1,
    };
}
