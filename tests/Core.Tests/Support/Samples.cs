namespace AkkaChat.Core.Tests.Support;

using AkkaChat.Core.Chat;

/// <summary>Sample values shared by the specs; whole milliseconds in UTC, so they survive the serializer unchanged.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static ChatPayload Text(string content) => new(Media: 1, content, "", "", "", 0);

    public static ChatPayload TextOfLength(int length) => Text(new string('x', length));

    public static ProfileFields Profile(string nickname) => new(nickname, nickname + ".png", "f", "memo of " + nickname);

    public static RoomFields Room(string name) => new(name, name + ".png", "about " + name, 1);

    /// <summary>The profile as it comes back from the journal, which stores times in whole milliseconds.</summary>
    public static RoomProfile AsStored(RoomProfile room) =>
        room with { CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(room.CreatedAt.ToUnixTimeMilliseconds()) };
}
