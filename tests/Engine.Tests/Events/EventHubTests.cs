using HaApi.Engine.Events;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Tests.Events;

public class EventHubTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);

    private static ClusterEvent Lost(string target) => new NodeMembershipChanged(T0, "pm01", target, 2, Member: false);

    private static List<ClusterEvent> Drain(EventSubscription s)
    {
        var list = new List<ClusterEvent>();
        while (s.Reader.TryRead(out var e)) list.Add(e);
        return list;
    }

    [Fact]
    public void Published_events_get_increasing_sequence_numbers_and_reach_every_subscriber()
    {
        using var hub = new EventHub();
        using var a = hub.Subscribe();
        using var b = hub.Subscribe();
        for (var i = 0; i < 5; i++) hub.Publish(Lost($"n{i}"));

        var seenA = Drain(a);
        var seenB = Drain(b);
        Assert.Equal([1L, 2, 3, 4, 5], seenA.Select(e => e.Sequence));
        Assert.Equal(seenA, seenB);
        Assert.Equal(5, hub.LastSequence);
        Assert.False(a.Gap);
    }

    [Fact]
    public void A_full_subscriber_drops_its_oldest_events_and_counts_them_without_affecting_others()
    {
        using var hub = new EventHub();
        using var slow = hub.Subscribe(capacity: 3);
        using var fast = hub.Subscribe(capacity: 100);
        for (var i = 0; i < 10; i++) hub.Publish(Lost($"n{i}"));

        Assert.Equal([8L, 9, 10], Drain(slow).Select(e => e.Sequence));
        Assert.Equal(7, slow.Dropped);
        Assert.Equal(10, Drain(fast).Count);
        Assert.Equal(0, fast.Dropped);
        Assert.Equal(7, hub.DroppedTotal);
    }

    [Fact]
    public void A_drop_newest_subscriber_keeps_the_first_events_it_could_hold()
    {
        using var hub = new EventHub();
        using var s = hub.Subscribe(capacity: 2, overflow: EventOverflow.DropNewest);
        for (var i = 0; i < 5; i++) hub.Publish(Lost($"n{i}"));

        Assert.Equal([1L, 2], Drain(s).Select(e => e.Sequence));
        Assert.Equal(3, s.Dropped);
    }

    [Fact]
    public void Reconnecting_with_a_buffered_last_event_id_replays_exactly_what_was_missed()
    {
        using var hub = new EventHub(replayCapacity: 10);
        for (var i = 0; i < 6; i++) hub.Publish(Lost($"n{i}"));

        using var s = hub.Subscribe(afterSequence: 3);
        hub.Publish(Lost("live"));

        Assert.False(s.Gap);
        Assert.Equal(4, s.FirstSequence);
        Assert.Equal([4L, 5, 6, 7], Drain(s).Select(e => e.Sequence));
    }

    [Fact]
    public void Reconnecting_after_the_buffer_moved_on_reports_a_gap_and_replays_what_is_left()
    {
        using var hub = new EventHub(replayCapacity: 4);
        for (var i = 0; i < 10; i++) hub.Publish(Lost($"n{i}"));

        using var s = hub.Subscribe(afterSequence: 2);

        Assert.True(s.Gap);
        Assert.Equal(7, s.FirstSequence);
        Assert.Equal([7L, 8, 9, 10], Drain(s).Select(e => e.Sequence));
    }

    [Fact]
    public void Resuming_right_after_the_oldest_buffered_event_is_not_a_gap()
    {
        using var hub = new EventHub(replayCapacity: 4);
        for (var i = 0; i < 10; i++) hub.Publish(Lost($"n{i}"));

        using var s = hub.Subscribe(afterSequence: 6);

        Assert.False(s.Gap);
        Assert.Equal([7L, 8, 9, 10], Drain(s).Select(e => e.Sequence));
    }

    [Fact]
    public void A_last_event_id_this_process_never_issued_is_a_gap()
    {
        using var hub = new EventHub();
        hub.Publish(Lost("a"));

        using var s = hub.Subscribe(afterSequence: 500);

        Assert.True(s.Gap);
        Assert.Equal([1L], Drain(s).Select(e => e.Sequence));
    }

    [Fact]
    public void Up_to_date_reconnect_gets_nothing_old_and_no_gap()
    {
        using var hub = new EventHub();
        hub.Publish(Lost("a"));
        using var s = hub.Subscribe(afterSequence: 1);
        Assert.False(s.Gap);
        Assert.Empty(Drain(s));
    }

    [Fact]
    public void A_backlog_larger_than_the_subscriber_capacity_keeps_the_newest_and_reports_a_gap()
    {
        using var hub = new EventHub(replayCapacity: 100);
        for (var i = 0; i < 20; i++) hub.Publish(Lost($"n{i}"));

        using var s = hub.Subscribe(afterSequence: 0, capacity: 5);

        Assert.True(s.Gap);
        Assert.Equal([16L, 17, 18, 19, 20], Drain(s).Select(e => e.Sequence));
        Assert.Equal(0, s.Dropped);
    }

    [Fact]
    public void Disposed_subscription_stops_receiving_and_its_reader_completes()
    {
        using var hub = new EventHub();
        var s = hub.Subscribe();
        s.Dispose();
        hub.Publish(Lost("a"));
        Assert.Equal(0, hub.SubscriberCount);
        Assert.True(s.Reader.Completion.IsCompleted);
    }

    private sealed class BlockingSink(ManualResetEventSlim release) : IEventSink
    {
        public int Count;
        public void Publish(ClusterEvent clusterEvent) { release.Wait(TimeSpan.FromSeconds(10)); Interlocked.Increment(ref Count); }
    }

    private sealed class ThrowingSink : IEventSink
    {
        public void Publish(ClusterEvent clusterEvent) => throw new IOException("disk full");
    }

    private sealed class CollectingSink : IEventSink
    {
        public readonly List<long> Seen = [];
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Expect;
        public void Publish(ClusterEvent clusterEvent)
        {
            lock (Seen) { Seen.Add(clusterEvent.Sequence); if (Seen.Count == Expect) Done.TrySetResult(); }
        }
    }

    [Fact]
    public async Task A_hanging_or_throwing_sink_blocks_neither_the_publisher_nor_other_sinks()
    {
        using var hub = new EventHub();
        using var release = new ManualResetEventSlim(false);
        var hanging = new BlockingSink(release);
        var good = new CollectingSink { Expect = 50 };
        using var h1 = hub.Attach(hanging, capacity: 4);
        using var h2 = hub.Attach(new ThrowingSink(), capacity: 4);
        using var h3 = hub.Attach(good, capacity: 100);

        var started = DateTime.UtcNow;
        for (var i = 0; i < 50; i++) hub.Publish(Lost($"n{i}"));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "Publish waited for a sink");

        await good.Done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), good.Seen);
        Assert.True(hub.DroppedTotal > 0, "the hanging sink's small queue should have overflowed");
        release.Set();
    }

    [Fact]
    public async Task Concurrent_publishers_produce_unique_sequences_in_order()
    {
        using var hub = new EventHub(replayCapacity: 10_000);
        using var s = hub.Subscribe(capacity: 10_000);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++) hub.Publish(Lost($"t{t}"));
        })));
        var seqs = Drain(s).Select(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, 4000).Select(i => (long)i), seqs);
    }
}
