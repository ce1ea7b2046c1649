namespace AkkaChat.Core.Tests.Users;

using System.Runtime.CompilerServices;
using AkkaChat.Core.Chat;
using AkkaChat.Core.Ids;
using AkkaChat.Core.Tests.Support;
using AkkaChat.Core.Users;

public sealed class InboxWindowSpec
{
    private static readonly UserId Alice = new(10_000);
    private static readonly UserId Bob = new(10_001);

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    public void The_window_holds_exactly_the_newest_capacity_entries_and_finds_each_by_seq_and_cid(int capacity)
    {
        var window = InboxWindow.Empty(capacity);
        var total = capacity * 3 + 70;
        for (var seq = 1; seq <= total; seq++) window = window.Add(Entry(seq));

        Assert.Equal(capacity, window.Count);
        Assert.Equal(Enumerable.Range(total - capacity + 1, capacity).Select(i => (long)i), window.Select(e => e.Seq));
        for (var seq = 1; seq <= total; seq++)
        {
            var inWindow = seq > total - capacity;
            Assert.Equal(inWindow ? Entry(seq) : null, window.BySeq(seq));
            var found = seq % 2 == 0 ? window.SentWith(Cid(seq)) : window.ReceivedWith(Bob, Cid(seq));
            Assert.Equal(inWindow ? Entry(seq) : null, found);
        }
    }

    [Fact]
    public void A_cid_names_an_own_send_or_one_senders_message_never_the_other()
    {
        var window = InboxWindow.Empty(10).Add(Entry(1)).Add(Entry(2));

        Assert.Null(window.SentWith(Cid(1))); // 1 is incoming
        Assert.Null(window.ReceivedWith(Bob, Cid(2))); // 2 is Alice's own
        Assert.Null(window.ReceivedWith(new UserId(10_002), Cid(1))); // 1 came from Bob
        Assert.Null(window.SentWith(""));
        Assert.Null(window.ReceivedWith(Bob, ""));
    }

    [Fact]
    public void Versions_stay_what_they_were_when_an_older_one_is_added_to()
    {
        // The entity only ever adds to its newest state, but a state is a value: adding to an older version must neither
        // change the newer one nor be changed by it (they share the chunk the older one writes into).
        var random = new Random(14);
        var versions = new List<(InboxWindow Window, List<InboxEntry> Model)> { (InboxWindow.Empty(100), []) };
        for (var step = 0; step < 3_000; step++)
        {
            var (window, model) = versions[random.Next(4) == 0 ? random.Next(versions.Count) : versions.Count - 1];
            var seq = (model.Count > 0 ? model[^1].Seq : 0) + 1;
            var entry = new InboxEntry(seq, step, Bob, Outgoing: step % 2 == 0, Samples.At, "s-" + step);
            var next = model.Append(entry).TakeLast(100).ToList();
            versions.Add((window.Add(entry), next));
            if (versions.Count > 50) versions.RemoveAt(random.Next(versions.Count - 1));
        }

        foreach (var (window, model) in versions)
        {
            Assert.Equal(model, window);
            foreach (var entry in model)
            {
                Assert.Equal(entry, window.BySeq(entry.Seq));
                Assert.Equal(entry, entry.Outgoing ? window.SentWith(entry.Cid) : window.ReceivedWith(Bob, entry.Cid));
            }
        }
    }

    [Fact]
    public void LastWhere_finds_the_newest_match()
    {
        var window = Enumerable.Range(1, 200).Aggregate(InboxWindow.Empty(150), (w, seq) => w.Add(Entry(seq)));

        Assert.Equal(199, window.LastWhere(e => !e.Outgoing)!.Value.Seq);
        Assert.Equal(51, window.LastWhere(e => e.Seq < 52 && e.Outgoing is false)!.Value.Seq);
        Assert.Null(window.LastWhere(e => e.Seq <= 50)); // left the window
    }

    [Theory]
    [InlineData("")]
    [InlineData("c-0123456789abcdef0123456789abcdef0123")] // 38 characters: a browser's cid, inside its slot
    [InlineData("s3-0123456789abcdef0123456789abcdef01234")] // 40: the longest inside its slot
    [InlineData("v2-0123456789abcdef0123456789abcdef012345")] // 41: kept beside its chunk
    [InlineData("c-\u00e9t\u00e9-\U0001F600")] // not ASCII: kept beside its chunk
    public void Every_cid_comes_back_as_it_was_sent_whether_it_fits_its_slot_or_not(string cid)
    {
        // Two chunks and a branch off an older version, so that spilled cids are copied with their chunk too.
        var entries = Enumerable.Range(1, 100).Select(seq => Entry(seq) with { Cid = seq % 3 == 0 ? cid + seq : cid }).ToList();
        var window = entries.Aggregate(InboxWindow.Empty(80), (w, e) => w.Add(e));
        var older = entries.Take(70).Aggregate(InboxWindow.Empty(80), (w, e) => w.Add(e));
        var branch = older.Add(entries[70] with { Cid = cid + "branch" });

        Assert.Equal(entries.TakeLast(80), window);
        Assert.Equal(entries.Take(70).Append(entries[70] with { Cid = cid + "branch" }), branch);
        if (cid.Length == 0) return;
        Assert.Equal(entries[95], window.SentWith(cid + 96));
        Assert.Equal(entries[98], window.ReceivedWith(Bob, cid + 99));
        Assert.Equal(entries[99], window.SentWith(cid)); // the newest of Alice's sends with that very cid
        Assert.Equal(entries[96], window.ReceivedWith(Bob, cid));
        Assert.Null(window.SentWith(cid + "x"));
        Assert.Null(window.SentWith(cid[..^1]));
        Assert.Equal(entries[70] with { Cid = cid + "branch" }, branch.ReceivedWith(Bob, cid + "branch"));
    }

    [Fact]
    public void CountWhere_counts_the_window_only()
    {
        var window = Enumerable.Range(1, 200).Aggregate(InboxWindow.Empty(150), (w, seq) => w.Add(Entry(seq)));

        Assert.Equal(75, window.CountWhere(e => !e.Outgoing));
        Assert.Equal(10, window.CountWhere(e => e.Seq > 190));
        Assert.Equal(0, window.CountWhere(e => e.Seq <= 50));
    }

    [Fact]
    public void An_entry_gives_back_its_message_with_the_body_it_is_given()
    {
        var incoming = new DirectMessage(7, Bob, Alice, Samples.Text("hi"), Samples.At, 77, "c-7");
        var outgoing = incoming with { Seq = 8, SenderId = Alice, RecipientId = Bob };

        Assert.Equal(incoming, InboxEntry.Of(incoming, Alice).ToMessage(Alice, incoming.Payload));
        Assert.Equal(outgoing, InboxEntry.Of(outgoing, Alice).ToMessage(Alice, outgoing.Payload));
    }

    [Fact]
    public void Entries_live_on_the_pinned_object_heap_where_the_collector_never_copies_them()
    {
        // 3,200 chunks of 64 slots (~5.5 KB each): ~17 MB that a young collection would otherwise copy twice on their way
        // to gen2. The pinned heap's size is read after full collections, with the window alive and once it is gone;
        // other tests' windows change it by far less than the margin.
        var held = PinnedHeapBytesHolding(3_200 * InboxWindow.ChunkSize);

        Assert.True(held - PinnedHeapBytes() > 12_000_000, "the window's chunks are not on the pinned object heap");
    }

    /// <summary>The pinned object heap's size while a full window of <paramref name="entries"/> is alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long PinnedHeapBytesHolding(int entries)
    {
        var window = InboxWindow.Empty(entries);
        for (var seq = 1; seq <= entries; seq++) window = window.Add(Entry(seq));
        var bytes = PinnedHeapBytes();
        GC.KeepAlive(window);
        return bytes;
    }

    /// <summary>The bytes of live objects on the pinned object heap after a full, compacting collection.</summary>
    private static long PinnedHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var pinned = GC.GetGCMemoryInfo(GCKind.FullBlocking).GenerationInfo[4];
        return pinned.SizeAfterBytes - pinned.FragmentationAfterBytes;
    }

    /// <summary>Even sequence numbers are Alice's own sends to Bob, odd ones Bob's to her; each has a cid of its own.</summary>
    private static InboxEntry Entry(int seq) => new(seq, 1_000 + seq, Bob, Outgoing: seq % 2 == 0, Samples.At.AddSeconds(seq), Cid(seq));

    private static string Cid(int seq) => "c-" + seq;
}
