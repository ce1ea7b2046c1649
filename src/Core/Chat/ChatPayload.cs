namespace AkkaChat.Core.Chat;

/// <summary>
/// The body of a chat message, as stored: how to show it (<see cref="Media"/>, a code the clients agree on) and what
/// it holds. It passes through the server untouched; only its size is bounded. The protocols map their frames onto it.
/// </summary>
public sealed record ChatPayload(int Media, string Content, string Pic, string Url, string Memo, long Amount)
{
    /// <summary>Upper bound on the sum of all text fields, in UTF-16 code units.</summary>
    public const int MaxTextLength = 32 * 1024;

    public int TextLength => Content.Length + Pic.Length + Url.Length + Memo.Length;
}
