using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// Colocations that name a group. Every expected summary here was checked against crm_simulate 2.1.5
/// (HAAPI_DUMP_CIB=dir writes the inputs out for replay).
/// </summary>
public sealed class GroupColocationTests
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
}
