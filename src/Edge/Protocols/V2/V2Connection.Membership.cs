namespace AkkaChat.Edge.Protocols.V2;

using Akka.Actor;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Rooms;

/// <summary>Leaving a room (or being removed from it): the socket stops receiving it at once.</summary>
public sealed partial class V2Connection
{
    private void OnLeft(RoomId room)
    {
        _memberRooms.Remove(room);
        _rooms.Remove(room);
        _recalledRooms.Remove(room);
        Fanout.Tell(new RoomFanoutCommands.UnsubscribeRoom(room, Self));
    }
}
