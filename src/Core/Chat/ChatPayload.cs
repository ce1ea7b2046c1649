namespace AkkaChat.Core.Chat;

/// <summary>
/// The body of a chat message as the seed-000 envelope carries it: how to show it (<see cref="Media"/>)
/// and what it holds. It passes through the server untouched; only its size is bounded.
/// </summary>
public sealed record ChatPayload(int Media, string Content, string Pic, string Url, string Memo, long Amount)
{
    /// <summary>Upper bound on the sum of all text fields, in UTF-16 code units.</summary>
    public const int MaxTextLength = 32 * 1024;

    public int TextLength => Content.Length + Pic.Length + Url.Length + Memo.Length;
}

/// <summary>The seed-000 <c>cmd</c> codes.</summary>
public static class ChatCommand
{
    public const int Heartbeat = 0;
    public const int Direct = 10;
    public const int Room = 11;
}

/// <summary>The seed-000 <c>media</c> codes; any value passes through, these are the documented ones.</summary>
public static class ChatMedia
{
    public const int Text = 1;
    public const int News = 2;
    public const int Voice = 3;
    public const int Image = 4;
    public const int RedPacket = 5;
    public const int Emoji = 6;
    public const int Link = 7;
    public const int Video = 8;
    public const int ContactCard = 9;
    public const int Custom = 100;
}
