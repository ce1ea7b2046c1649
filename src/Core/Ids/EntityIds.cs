namespace AkkaChat.Core.Ids;

/// <summary>A user's short numeric id; people type it to add a friend.</summary>
public readonly record struct UserId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A room's ("community's") short numeric id.</summary>
public readonly record struct RoomId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Routes a message to the UserEntity of <see cref="UserId"/>.</summary>
public interface IWithUserId
{
    UserId UserId { get; }
}

/// <summary>Routes a message to the RoomEntity of <see cref="RoomId"/>.</summary>
public interface IWithRoomId
{
    RoomId RoomId { get; }
}

/// <summary>Routes a message to the AccountEntity that owns a mobile number.</summary>
public interface IWithMobile
{
    string Mobile { get; }
}

/// <summary>Routes a message to the id-block allocator of one id kind ("user", "room").</summary>
public interface IWithIdKind
{
    string Kind { get; }
}
