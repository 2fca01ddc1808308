using System.Collections.Immutable;
using HaApi.Engine.Ports;
using HaApi.Integrations.Corosync;

namespace HaApi.Integrations.Tests.Corosync;

/// <summary>
/// The callbacks are fed in the order corosync 3.1.7 makes them on a ring change (spec: CPG confchg, totem confchg,
/// votequorum nodelist with the ring id, votequorum quorum) and what the engine would receive is checked.
/// </summary>
public sealed class RingQuorumOrderingTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);
    private static readonly GroupMember Node1 = new(1, 101, "node1");
    private static readonly GroupMember Node2 = new(2, 102, "node2");
    private static readonly GroupMember Node3 = new(3, 103, "node3");

    [Fact]
    public void A_node_cut_off_alone_sees_its_quorum_lost_before_the_view_in_which_the_others_left()
    {
        var ordering = Started(out var engine);

        ordering.AddView(View([Node1], left: [Node2, Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x14);
        // The CPG events are flushed before votequorum is dispatched: nothing may reach the engine yet.
        Assert.Empty(Take(ordering, 1001));
        Assert.True(ordering.Holding);

        ordering.QuorumRing(0x14);
        ordering.Quorum(Quorum(false, 1));
        var delivered = Take(ordering, 1005);

        Assert.Collection(delivered,
            e => Assert.Equal((false, 0x14UL), (((QuorumChanged)e).Quorate, ((QuorumChanged)e).RingSequence)),
            e => Assert.Equal(0x14UL, ((ViewChanged)e).RingSequence));
        Assert.False(WouldActQuorateOnShrunkenView(engine.Concat(delivered)));
    }

    [Fact]
    public void In_the_majority_the_view_comes_first_and_the_ring_s_quorum_follows()
    {
        var ordering = Started(out _);

        ordering.AddView(View([Node1, Node2], left: [Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x14);
        ordering.QuorumRing(0x14);
        ordering.Quorum(Quorum(true, 2));

        Assert.Collection(Take(ordering, 1001),
            e => Assert.Equal(0x14UL, ((ViewChanged)e).RingSequence),
            e => Assert.Equal((true, 0x14UL), (((QuorumChanged)e).Quorate, ((QuorumChanged)e).RingSequence)));
    }

    [Fact]
    public void A_node_rejoining_the_majority_is_not_quorate_before_the_view_that_brings_the_others_in()
    {
        var ordering = new RingQuorumOrdering(Limit);
        ordering.TotemRing(0x14);
        ordering.QuorumRing(0x14);
        ordering.AddView(View([Node1]), ringChange: false, nowMs: 0);
        ordering.Quorum(Quorum(false, 1));
        var engine = Take(ordering, 0);

        ordering.AddView(View([Node1, Node2, Node3], joined: [Node2, Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x18);
        ordering.QuorumRing(0x18);
        ordering.Quorum(Quorum(true, 3));
        var delivered = Take(ordering, 1001);

        // Quorum gained before the grown view would let node1 act as quorate with only itself in the view.
        Assert.IsType<ViewChanged>(delivered[0]);
        Assert.True(((QuorumChanged)delivered[1]).Quorate);
        Assert.False(WouldActQuorateOnShrunkenView(engine.Concat(delivered)));
    }

    [Fact]
    public void Messages_after_a_held_view_wait_behind_it_and_keep_their_agreed_order()
    {
        var ordering = Started(out _);
        var before = Message(Node2, 1);
        ordering.Add(before);
        ordering.AddView(View([Node1, Node2], left: [Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x14);
        var after1 = Message(Node2, 2);
        var after2 = Message(Node1, 3);
        ordering.Add(after1);
        ordering.Add(after2);

        Assert.Equal([before], Take(ordering, 1001));
        Assert.Equal(3, ordering.Count);

        ordering.QuorumRing(0x14);
        ordering.Quorum(Quorum(true, 2));
        var delivered = Take(ordering, 1002);

        Assert.IsType<ViewChanged>(delivered[0]);
        Assert.IsType<QuorumChanged>(delivered[1]);
        Assert.Equal([after1, after2], delivered.Skip(2));
        Assert.Equal(0, ordering.Count);
    }

    [Fact]
    public void A_process_joining_or_leaving_on_the_same_ring_is_not_held()
    {
        var ordering = Started(out _);
        var restarted = Node2 with { ProcessId = 999 };

        ordering.AddView(View([Node1, Node3], left: [Node2]), ringChange: false, nowMs: 1000);
        ordering.AddView(View([Node1, restarted, Node3], joined: [restarted]), ringChange: false, nowMs: 1000);

        var delivered = Take(ordering, 1000);
        Assert.Equal(2, delivered.Count);
        Assert.All(delivered, e => Assert.Equal(0x10UL, ((ViewChanged)e).RingSequence));
        Assert.False(ordering.Holding);
    }

    [Fact]
    public void A_quorum_of_the_previous_ring_goes_before_the_held_view_which_keeps_waiting()
    {
        var ordering = Started(out _);
        ordering.AddView(View([Node1], left: [Node2, Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x14);

        // An expected-votes change on the old ring, read before votequorum's sync of the new one.
        ordering.Quorum(Quorum(true, 3));
        var delivered = Take(ordering, 1001);

        Assert.Equal((true, 0x10UL), (((QuorumChanged)Assert.Single(delivered)).Quorate, ((QuorumChanged)delivered[0]).RingSequence));
        Assert.True(ordering.Holding);
    }

    [Fact]
    public void Two_quick_rings_are_released_together_by_the_quorum_of_the_later_one()
    {
        var ordering = Started(out var engine);
        ordering.AddView(View([Node1, Node2], left: [Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x14);
        ordering.AddView(View([Node1], left: [Node2]), ringChange: true, nowMs: 1010);
        ordering.TotemRing(0x18);
        // votequorum's sync of ring 0x14 was cut short by ring 0x18: only 0x18 is reported.
        ordering.QuorumRing(0x18);
        ordering.Quorum(Quorum(false, 1));

        var delivered = Take(ordering, 1020);
        Assert.Collection(delivered,
            e => Assert.False(((QuorumChanged)e).Quorate),
            e => Assert.Equal(0x14UL, ((ViewChanged)e).RingSequence),
            e => Assert.Equal(0x18UL, ((ViewChanged)e).RingSequence));
        Assert.False(WouldActQuorateOnShrunkenView(engine.Concat(delivered)));
    }

    [Fact]
    public void A_quorum_for_the_first_of_two_held_rings_releases_only_that_view()
    {
        var ordering = Started(out _);
        ordering.AddView(View([Node1, Node2], left: [Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x14);
        ordering.QuorumRing(0x14);
        ordering.AddView(View([Node1], left: [Node2]), ringChange: true, nowMs: 1010);
        ordering.TotemRing(0x18);
        ordering.Quorum(Quorum(true, 2));

        var delivered = Take(ordering, 1020);
        Assert.Collection(delivered,
            e => Assert.Equal(0x14UL, ((ViewChanged)e).RingSequence),
            e => Assert.Equal((true, 0x14UL), (((QuorumChanged)e).Quorate, ((QuorumChanged)e).RingSequence)));
        Assert.True(ordering.Holding);
        Assert.Equal(1, ordering.Count);
    }

    [Fact]
    public void A_view_whose_quorum_never_comes_is_released_at_the_limit_as_not_quorate()
    {
        var ordering = Started(out var engine);
        ordering.AddView(View([Node1], left: [Node2, Node3]), ringChange: true, nowMs: 1000);
        ordering.TotemRing(0x14);

        var early = new List<TransportEvent>();
        Assert.Empty(ordering.TakeReady(early, 1000 + (long)Limit.TotalMilliseconds - 1));
        Assert.Empty(early);

        var delivered = new List<TransportEvent>();
        var expired = ordering.TakeReady(delivered, 1000 + (long)Limit.TotalMilliseconds);
        Assert.Equal([0x14UL], expired);
        Assert.Collection(delivered,
            e => Assert.False(((QuorumChanged)e).Quorate),
            e => Assert.Equal(0x14UL, ((ViewChanged)e).RingSequence));
        Assert.False(WouldActQuorateOnShrunkenView(engine.Concat(delivered)));

        // The late notification is delivered as it comes.
        ordering.QuorumRing(0x14);
        ordering.Quorum(Quorum(true, 2));
        Assert.True(((QuorumChanged)Assert.Single(Take(ordering, 5000))).Quorate);
    }

    [Fact]
    public void A_view_waits_for_its_totem_ring_before_a_quorum_can_release_it()
    {
        var ordering = Started(out _);
        ordering.AddView(View([Node1], left: [Node2, Node3]), ringChange: true, nowMs: 1000);
        // A quorum read before the totem confchg cannot be about the view's ring, whatever votequorum last named.
        ordering.QuorumRing(0x14);
        ordering.Quorum(Quorum(true, 3));
        Assert.IsType<QuorumChanged>(Assert.Single(Take(ordering, 1001)));

        ordering.TotemRing(0x14);
        ordering.Quorum(Quorum(false, 1));
        var delivered = Take(ordering, 1002);
        Assert.False(((QuorumChanged)delivered[0]).Quorate);
        Assert.Equal(0x14UL, ((ViewChanged)delivered[1]).RingSequence);
    }

    // ---- helpers ----

    /// <summary>Three members on ring 0x10, quorate; returns what the engine has received so far.</summary>
    private static RingQuorumOrdering Started(out List<TransportEvent> engine)
    {
        var ordering = new RingQuorumOrdering(Limit);
        ordering.AddView(View([Node1, Node2, Node3], joined: [Node1]), ringChange: false, nowMs: 0);
        ordering.TotemRing(0x10);
        ordering.QuorumRing(0x10);
        ordering.Quorum(Quorum(true, 3));
        engine = Take(ordering, 0);
        Assert.Equal(2, engine.Count);
        return ordering;
    }

    /// <summary>
    /// Replays the events as the replica does (a view is judged with the last quorum seen) and says whether a view
    /// with fewer members than the quorum needs was ever judged quorate: the state in which a DC fences the others.
    /// </summary>
    private static bool WouldActQuorateOnShrunkenView(IEnumerable<TransportEvent> events)
    {
        var quorate = false;
        ViewChanged? view = null;
        foreach (var e in events)
        {
            switch (e)
            {
                case QuorumChanged q: quorate = q.Quorate; break;
                case ViewChanged v: view = v; break;
            }
            if (quorate && view is not null && view.Members.Length < 2) return true;
        }
        return false;
    }

    private static List<TransportEvent> Take(RingQuorumOrdering ordering, long nowMs)
    {
        var ready = new List<TransportEvent>();
        Assert.Empty(ordering.TakeReady(ready, nowMs));
        return ready;
    }

    private static ViewChanged View(GroupMember[] members, GroupMember[]? joined = null, GroupMember[]? left = null) =>
        new([.. members], [.. joined ?? []], [.. left ?? []], 0);

    private static QuorumChanged Quorum(bool quorate, uint votes) =>
        new(quorate, 3, votes, 2, ImmutableArray.Create(Enumerable.Range(1, (int)votes).Select(i => (uint)i).ToArray()));

    private static MessageDelivered Message(GroupMember sender, byte payload) => new(sender, [payload]);
}
