namespace AkkaChat.Core;

/// <summary>The one refusal reply of every entity: nothing changed. <see cref="Code"/> is for machines, <see cref="Reason"/> is shown to users.</summary>
public sealed record Refused(string Code, string Reason);

/// <summary>The <see cref="Refused.Code"/> values; the socket codes that exist on the wire keep their strings.</summary>
public static class RefusalCodes
{
    /// <summary>The entity asked about does not exist.</summary>
    public const string NotFound = "not-found";

    /// <summary>Any other refusal; the reason says why.</summary>
    public const string Refused = "refused";

    /// <summary>Couldn't be done now (an id could not be leased); trying again may work.</summary>
    public const string Busy = "busy";

    /// <summary>The room does not exist (the socket code of room messages).</summary>
    public const string NoRoom = "no-room";

    /// <summary>The sender is not a member of the room.</summary>
    public const string NotMember = "not-member";

    /// <summary>Only the room's owner may do this.</summary>
    public const string NotOwner = "not-owner";

    /// <summary>The message to recall does not exist.</summary>
    public const string NoSuchMessage = "no-such-message";

    /// <summary>The message is too old to recall.</summary>
    public const string RecallExpired = "recall-expired";

    /// <summary>Only the sender may recall a message.</summary>
    public const string NotYours = "not-yours";

    /// <summary>The mobile number is registered already.</summary>
    public const string Taken = "taken";

    /// <summary>The stored state changed since the asker read it.</summary>
    public const string Conflict = "conflict";
}
