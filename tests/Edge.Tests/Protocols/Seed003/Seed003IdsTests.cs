namespace AkkaChat.Edge.Tests.Protocols.Seed003;

using AkkaChat.Core.Ids;
using AkkaChat.Edge.Protocols.Seed003;
using CsCheck;

/// <summary>Seed-003 message ids: group ids and inbox seqs never collide, and every id stays below 2^53.</summary>
public sealed class Seed003IdsTests
{
    private const long Max53 = 1L << 53;

    [Fact]
    public void Every_numberable_room_message_round_trips_below_2_pow_53_and_above_every_inbox_id()
    {
        Gen.Select(Gen.Long[Seed003Ids.FirstRoom, Seed003Ids.RoomLimit - 1], Gen.Long[1, Seed003Ids.SeqLimit - 1]).Sample((room, seq) =>
        {
            var id = Seed003Ids.RoomMessage(new RoomId(room), seq);
            Assert.InRange(id, Seed003Ids.FirstRoom << Seed003Ids.SeqBits, Max53 - 1);
            Assert.True(Seed003Ids.IsRoomMessage(id, out var r, out var s));
            Assert.Equal((room, seq), (r.Value, s));
        }, iter: 20_000);
    }

    [Theory]
    [InlineData(100, 1, (100L << 30) | 1)]
    [InlineData(100, (1L << 30) - 1, (101L << 30) - 1)]
    [InlineData((1L << 23) - 1, (1L << 30) - 1, (1L << 53) - 1)]
    [InlineData(12345, 678, (12345L << 30) | 678)]
    public void Room_messages_at_the_limits(long room, long seq, long expected)
    {
        Assert.Equal(expected, Seed003Ids.RoomMessage(new RoomId(room), seq));
        Assert.True(Seed003Ids.IsRoomMessage(expected, out var r, out var s));
        Assert.Equal((room, seq), (r.Value, s));
    }

    [Theory]
    [InlineData(1L << 23, 1)] // room << 30 would reach 2^53
    [InlineData(100, 1L << 30)] // seq spills into the room bits
    [InlineData(100, 0)]
    [InlineData(100, -1)]
    [InlineData(99, 1)] // below the first room: it would look like an inbox seq
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(long.MaxValue, 1)]
    public void A_room_message_that_cannot_be_numbered_gets_0(long room, long seq) =>
        Assert.Equal(0, Seed003Ids.RoomMessage(new RoomId(room), seq));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1_000_000)]
    [InlineData((100L << 30) - 1)] // the largest inbox seq the scheme can tell apart
    [InlineData(100L << 30)] // room 100, seq 0: no such message
    [InlineData(1L << 53)] // not below 2^53
    [InlineData(long.MaxValue)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void Other_ids_are_not_room_messages(long id)
    {
        Assert.False(Seed003Ids.IsRoomMessage(id, out var room, out var seq));
        Assert.Equal((0L, 0L), (room.Value, seq));
    }
}
