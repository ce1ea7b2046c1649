namespace AkkaChat.Core.Chat;

using AkkaChat.Core.Ids;

/// <summary>What anyone may see of a user: never the mobile, a token or a hash.</summary>
public sealed record PublicProfile(UserId Id, string Nickname, string Avatar, string Sex, string Memo, DateTimeOffset CreatedAt);

/// <summary>What a user may see of a room they know the id of.</summary>
public sealed record RoomProfile(RoomId Id, UserId OwnerId, string Name, string Icon, string Memo, int Cate, DateTimeOffset CreatedAt);

/// <summary>Profile fields a registering user supplies.</summary>
public sealed record ProfileFields(string Nickname, string Avatar, string Sex, string Memo);

/// <summary>Room fields a creator supplies.</summary>
public sealed record RoomFields(string Name, string Icon, string Memo, int Cate);
