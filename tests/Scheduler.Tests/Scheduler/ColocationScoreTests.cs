using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// How colocations combine into placement scores. Every expected summary here was checked against crm_simulate 2.1.5
/// (HAAPI_DUMP_CIB=dir writes the inputs out for replay).
/// </summary>
public sealed class ColocationScoreTests
{
    [Fact]
    public void Group_is_placed_where_a_resource_colocated_with_it_prefers_to_stay()
    {
        // rsc3 with grp (advisory): once the group is being placed Pacemaker counts this as "rsc3 with the last
        // member", whose wishes reach the first member through the members' own colocations. rsc3's stickiness
        // on node2 (scaled down to 1) breaks the tie that would otherwise put the group on node1.
        var xml = Document(Dummy("rsc3") + $"<group id=\"grp\">{Dummy("g1")}{Dummy("g2")}</group>",
            constraints: """<rsc_colocation id="c" rsc="rsc3" with-rsc="grp" score="100"/>""",
            nodes: "node1 node2",
            rscDefaults: Pair("resource-stickiness", "100"),
            status: Online("node1", ("rsc3", "monitor", 7, 1), ("g1", "monitor", 7, 2), ("g2", "monitor", 7, 3)) + Online("node2", ("rsc3", "start", 0, 4), ("g1", "monitor", 7, 5), ("g2", "monitor", 7, 6)));
        Assert.Equal(["* Start g1 ( node2 )", "* Start g2 ( node2 )"], Summary(xml));
    }

    [Fact]
    public void Dependent_of_a_dependent_counts_as_much_as_its_own_colocation()
    {
        // rsc2 is placed first (rsc1 is colocated with it) and takes in rsc1's wishes at 100/INFINITY, and through
        // rsc1 those of rsc3 (which must be on node2) at 100/INFINITY again, not at the product of both: node2 gets
        // 100, which beats rsc2's own 50 for node1.
        var xml = Document(Dummy("rsc1") + Dummy("rsc2") + Dummy("rsc3"),
            constraints: """
                <rsc_location id="l2" rsc="rsc2" node="node1" score="50"/>
                <rsc_location id="l3" rsc="rsc3" node="node2" score="INFINITY"/>
                <rsc_colocation id="c1" rsc="rsc1" with-rsc="rsc2" score="100"/>
                <rsc_colocation id="c3" rsc="rsc3" with-rsc="rsc1" score="100"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 7, 2), ("rsc3", "monitor", 7, 3)) + Online("node2", ("rsc1", "monitor", 7, 4), ("rsc2", "monitor", 7, 5), ("rsc3", "monitor", 7, 6)));
        Assert.Equal(["* Start rsc1 ( node2 )", "* Start rsc2 ( node2 )", "* Start rsc3 ( node2 )"], Summary(xml));
    }

    [Fact]
    public void Colocations_of_a_resource_are_applied_in_the_order_of_the_other_resources_ids()
    {
        // rsc3's colocations are kept sorted by the primary's id, so "with rsc2" (-100 on node2) is applied before
        // rsc4 is placed; rsc4 then takes rsc3's -100 scaled down, which Pacemaker turns into +1, and prefers node2.
        var xml = Document(Dummy("rsc2") + Dummy("rsc3") + Dummy("rsc4"),
            constraints: """
                <rsc_colocation id="c0" rsc="rsc3" with-rsc="rsc4" score="100"/>
                <rsc_colocation id="c1" rsc="rsc3" with-rsc="rsc2" score="-100"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc2", "monitor", 7, 1), ("rsc3", "monitor", 7, 2), ("rsc4", "monitor", 7, 3)) + Online("node2", ("rsc2", "start", 0, 4), ("rsc3", "monitor", 7, 5), ("rsc4", "monitor", 7, 6)));
        Assert.Equal(["* Start rsc3 ( node1 )", "* Start rsc4 ( node2 )"], Summary(xml));
    }

    [Fact]
    public void Clone_instance_placed_nowhere_takes_the_colocation_score_off_every_node()
    {
        // rsc3 with cln (100): each placed instance adds 100 on its node, the spare one (cln may not use node3)
        // subtracts 100 everywhere, so node1 and node2 end at -100; the anti-colocation with rsc2 then takes node3
        // and rsc3 cannot run anywhere (seed 7207).
        var xml = Document(Dummy("rsc2") + Dummy("rsc3") + $"<clone id=\"cln\">{Dummy("cp")}</clone>",
            constraints: """
                <rsc_location id="l1" rsc="cln" node="node3" score="-INFINITY"/>
                <rsc_location id="l2" rsc="rsc2" node="node3" score="INFINITY"/>
                <rsc_location id="l3" rsc="rsc3" node="node1" score="-100"/>
                <rsc_location id="l4" rsc="rsc3" node="node2" score="-100"/>
                <rsc_location id="l5" rsc="rsc3" node="node3" score="100"/>
                <rsc_colocation id="c1" rsc="rsc3" with-rsc="cln" score="100"/>
                <rsc_colocation id="c2" rsc="rsc3" with-rsc="rsc2" score="-INFINITY"/>
                """,
            status: Online("node1") + Online("node2") + Online("node3"));
        Assert.Equal(["* Start rsc2 ( node3 )", "* Start cp:0 ( node1 )", "* Start cp:1 ( node2 )"], Summary(xml));
    }
}
