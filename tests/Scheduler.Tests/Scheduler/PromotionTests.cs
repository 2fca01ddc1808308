using HaApi.Engine.Scheduler;
using HaApi.Scheduler.Tests.Differential;
using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// Promotable clones. Every expected summary here was checked against crm_simulate 2.1.5 (HAAPI_DUMP_CIB=dir writes
/// the inputs out for `crm_simulate -x FILE -R`).
/// </summary>
public sealed class PromotionTests
{
    private static int callId;

    private static string Promotable(string meta = "") =>
        $"""<clone id="ms"><meta_attributes id="ms-m"><nvpair id="ms-p" name="promotable" value="true"/>{meta}</meta_attributes><primitive id="st" class="ocf" provider="pacemaker" type="Stateful"><operations><op id="st-mon-p" name="monitor" interval="10s" role="Promoted"/><op id="st-mon-u" name="monitor" interval="11s" role="Unpromoted"/></operations></primitive></clone>""";

    private const string Vip = """<primitive id="vip" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="vip-mon" name="monitor" interval="10s"/></operations></primitive>""";

    private static string Op(string rsc, string task, int intervalMs, int rc, int expected) =>
        HistoryXml.Op(rsc, task, intervalMs, rc, expected, Interlocked.Increment(ref callId));

    private static string Unpromoted() => History("st", "Stateful", Op("st", "start", 0, 0, 0), Op("st", "monitor", 11000, 0, 0));

    private static string Promoted() => History("st", "Stateful", Op("st", "start", 0, 0, 0), Op("st", "promote", 0, 0, 0), Op("st", "monitor", 10000, 8, 8));

    private static string VipRunning() => History("vip", "Dummy", Op("vip", "start", 0, 0, 0), Op("vip", "monitor", 10000, 0, 0));

    private static string VipStopped() => History("vip", "Dummy", Op("vip", "monitor", 0, 7, 7));

    private static (string, string)[] Score(string value) => [("master-st", value)];

    private static string TwoNodes(string resources, string node1, string node2, string constraints = "") =>
        Document(resources, constraints: constraints, nodes: "node1 node2", status: node1 + node2);

    [Fact]
    public void The_instance_with_the_highest_promotion_score_is_promoted()
    {
        var xml = TwoNodes(Promotable(), Member("node1", Score("10"), Unpromoted()), Member("node2", Score("5"), Unpromoted()));
        Assert.Equal(["* Promote st:0 ( Unpromoted -> Promoted node1 )"], Summary(xml));
    }

    [Fact]
    public void A_higher_score_elsewhere_demotes_the_promoted_instance_and_promotes_the_other()
    {
        var xml = TwoNodes(Promotable(), Member("node1", Score("5"), Promoted()), Member("node2", Score("10"), Unpromoted()));
        Assert.Equal(["* Demote st:0 ( Promoted -> Unpromoted node1 )", "* Promote st:1 ( Unpromoted -> Promoted node2 )"], Summary(xml));
    }

    [Fact]
    public void A_promoted_instance_stays_promoted_while_it_has_the_best_score()
    {
        var xml = TwoNodes(Promotable(), Member("node1", Score("10"), Promoted()), Member("node2", Score("5"), Unpromoted()));
        Assert.Empty(Summary(xml));
    }

    [Fact]
    public void Without_any_promotion_score_nothing_is_promoted()
    {
        var xml = TwoNodes(Promotable(), Member("node1", [], Promoted()), Member("node2", [], Unpromoted()));
        Assert.Equal(["* Demote st:0 ( Promoted -> Unpromoted node1 )"], Summary(xml));
    }

    [Fact]
    public void Promoted_max_promotes_the_best_instances()
    {
        var xml = Document(Promotable("""<nvpair id="pm" name="promoted-max" value="2"/>"""),
            status: Member("node1", Score("10"), Unpromoted()) + Member("node2", Score("5"), Unpromoted()) + Member("node3", Score("7"), Unpromoted()));
        Assert.Equal(["* Promote st:0 ( Unpromoted -> Promoted node1 )", "* Promote st:2 ( Unpromoted -> Promoted node3 )"], Summary(xml));
    }

    [Fact]
    public void A_promoted_instance_on_a_standby_node_stops_and_another_is_promoted()
    {
        var xml = TwoNodes(Promotable(), Member("node1", [("master-st", "10"), ("standby", "on")], Promoted()), Member("node2", Score("5"), Unpromoted()));
        Assert.Equal(["* Stop st:0 ( Promoted node1 ) due to node availability", "* Promote st:1 ( Unpromoted -> Promoted node2 )"], Summary(xml));
    }

    [Fact]
    public void Of_two_equally_scored_promoted_instances_the_one_that_keeps_its_node_stays_promoted()
    {
        // Two instances are promoted but promoted-max is 1; the one on the standby node must move, and with equal
        // promotion scores the tie goes to the instance whose current node is still allowed (seed 5071).
        var xml = Document(Promotable(), nodes: "node1 node2 node3", status:
            Member("node1", Score("10"), History("st", "Stateful", Op("st", "monitor", 0, 7, 7))) +
            Member("node2", [("master-st", "100"), ("standby", "on")], Promoted()) +
            Member("node3", Score("10"), Promoted()));
        Assert.Equal(["* Move st:0 ( Promoted node2 -> Unpromoted node1 )"], Summary(xml));
    }

    [Fact]
    public void A_promoted_role_location_outweighs_a_lower_promotion_score()
    {
        var xml = TwoNodes(Promotable(), Member("node1", Score("10"), Unpromoted()), Member("node2", Score("5"), Unpromoted()),
            """<rsc_location id="l1" rsc="ms" role="Promoted" node="node2" score="50"/>""");
        Assert.Equal(["* Promote st:1 ( Unpromoted -> Promoted node2 )"], Summary(xml));
    }

    [Fact]
    public void A_resource_colocated_with_the_promoted_role_follows_the_promotion()
    {
        var xml = TwoNodes(Promotable() + Vip, Member("node1", Score("10"), Unpromoted(), VipStopped()), Member("node2", Score("5"), Unpromoted(), VipRunning()),
            """<rsc_colocation id="c1" rsc="vip" with-rsc="ms" with-rsc-role="Promoted" score="INFINITY"/>""");
        Assert.Equal(["* Promote st:0 ( Unpromoted -> Promoted node1 )", "* Move vip ( node2 -> node1 )"], Summary(xml));
    }

    [Fact]
    public void The_promoted_role_colocated_with_a_resource_is_promoted_where_that_resource_runs()
    {
        var xml = TwoNodes(Promotable() + Vip, Member("node1", Score("10"), Unpromoted(), VipStopped()), Member("node2", Score("5"), Unpromoted(), VipRunning()),
            """<rsc_colocation id="c1" rsc="ms" rsc-role="Promoted" with-rsc="vip" score="INFINITY"/>""");
        Assert.Equal(["* Promote st:1 ( Unpromoted -> Promoted node2 )"], Summary(xml));
    }

    [Fact]
    public void Start_after_promote_is_blocked_while_nothing_can_be_promoted()
    {
        var xml = TwoNodes(Promotable() + Vip, Member("node1", [], Unpromoted(), VipStopped()), Member("node2", [], Unpromoted(), VipStopped()),
            """<rsc_order id="o1" first="ms" first-action="promote" then="vip" then-action="start"/>""");
        Assert.Equal(["* Start vip ( node1 ) due to unrunnable ms promoted (blocked)"], Summary(xml));
    }

    [Fact]
    public void Promotion_is_followed_by_the_monitor_of_the_promoted_role()
    {
        var transition = Schedule(TwoNodes(Promotable(), Member("node1", Score("10"), Unpromoted()), Member("node2", Score("5"), Unpromoted())));
        var promote = Assert.Single(transition.Actions, a => a.Kind == ActionKind.Promote);
        Assert.Equal(("st:0", "node1"), (promote.Resource, promote.Node));
        var monitor = Assert.Single(transition.Actions, a => a.Kind == ActionKind.Monitor);
        Assert.Equal(("st:0", "node1", TimeSpan.FromSeconds(10)), (monitor.Resource, monitor.Node, monitor.Interval));
        Assert.Contains(transition.Orderings, o => o.First == promote.Id && transition.Actions.Any(a => a.Id == o.Then && a.Task == "promoted"));
    }

    [Fact]
    public void Promoted_role_colocated_with_a_stopped_clones_promoted_role_still_starts_its_instances()
    {
        // "ms2 promoted with ms promoted" only keeps ms2 from being promoted while ms cannot run: its instances
        // still start (seed 8085).
        var xml = Document(Promotable("""<nvpair id="ms-tr" name="target-role" value="Stopped"/>""") +
            Promotable().Replace("\"ms", "\"ms2", StringComparison.Ordinal).Replace("\"st", "\"st2", StringComparison.Ordinal),
            constraints: """<rsc_colocation id="c" rsc="ms2" rsc-role="Promoted" with-rsc="ms" with-rsc-role="Promoted" score="INFINITY"/>""",
            nodes: "node1 node2", status: Member("node1", [("master-st2", "10")]) + Member("node2", []));
        Assert.Equal(["* Start st2:0 ( node1 )", "* Start st2:1 ( node2 )"], Summary(xml));
    }
}
