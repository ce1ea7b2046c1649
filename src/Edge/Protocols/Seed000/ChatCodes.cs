namespace AkkaChat.Edge.Protocols.Seed000;

/// <summary>The seed-000 <c>cmd</c> codes (v2's <c>send</c> frames carry them too).</summary>
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
