using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// Which reason a blocked action reports, and which clone instance Pacemaker keeps or moves. Every expected summary
/// here was checked against crm_simulate 2.1.5 (HAAPI_DUMP_CIB=dir writes the inputs out for replay).
/// </summary>
public sealed class ReasonAndInstancePlacementTests
{
    private static string Clone(string id, string child, bool? interleave = null) =>
        $"<clone id=\"{id}\">" +
        (interleave is { } i ? $"<meta_attributes id=\"{id}-m\"><nvpair id=\"{id}-i\" name=\"interleave\" value=\"{(i ? "true" : "false")}\"/></meta_attributes>" : "") +
        $"{Dummy(child)}</clone>";

    /// <summary>rsc1 (target-role Stopped) before rsc2, which runs on node1; rsc1's history on node1 varies.</summary>
    private static string DisabledPrerequisite((string, string, int, int) rsc1OnNode1) =>
        Document(Dummy("rsc1", Pair("target-role", "Stopped")) + Dummy("rsc2"),
            constraints: """<rsc_order id="o" first="rsc1" then="rsc2" kind="Mandatory"/>""",
            nodes: "node1 node2",
            status: Online("node1", rsc1OnNode1, ("rsc2", "start", 0, 2)) + Online("node2", ("rsc1", "monitor", 7, 3), ("rsc2", "monitor", 7, 4)));

    [Fact]
    public void Dependent_of_a_stopping_resource_stops_because_the_resource_start_is_required()
    {
        // rsc1 must stop, which makes its (unrunnable) start required before rsc2 is looked at: the first change of
        // rsc2's start is "required", and an action keeps the reason of its first change.
        var xml = DisabledPrerequisite(rsc1OnNode1: ("rsc1", "start", 0, 1));
        Assert.Equal(["* Stop rsc1 ( node1 ) due to node availability", "* Stop rsc2 ( node1 ) due to required rsc1 start"], Summary(xml));
    }

    [Fact]
    public void Dependent_of_a_stopped_resource_that_cannot_start_reports_the_unrunnable_start()
    {
        // rsc1 is stopped and stays stopped: its start is never required, so rsc2 reports it as unrunnable.
        var xml = DisabledPrerequisite(rsc1OnNode1: ("rsc1", "monitor", 7, 1));
        Assert.Equal(["* Stop rsc2 ( node1 ) due to unrunnable rsc1 start"], Summary(xml));
    }

    [Fact]
    public void Clone_instance_follows_its_colocated_clone_instead_of_a_spare_instance_starting()
    {
        // a:0 cannot stay on node2, a:1 starts on node1; B must be with A. b:0 is placed first (the colocation does
        // not count when instances are ordered), so it moves to node1 rather than b:1 starting there.
        var xml = Document(Clone("A", "a") + Clone("B", "b", interleave: false),
            constraints: """
                <rsc_location id="l" rsc="A" node="node2" score="-100"/>
                <rsc_colocation id="c" rsc="B" with-rsc="A" score="INFINITY"/>
                <rsc_order id="o" first="A" then="B" kind="Mandatory"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("a", "monitor", 7, 1), ("b", "monitor", 7, 2)) + Online("node2", ("a", "start", 0, 3), ("b", "start", 0, 4)));
        Assert.Equal(["* Stop a:0 ( node2 ) due to node availability", "* Start a:1 ( node1 )", "* Move b:0 ( node2 -> node1 )"], Summary(xml));
    }

    [Fact]
    public void Interleaved_instance_without_its_prerequisite_instance_on_the_node_is_not_started()
    {
        // No A instance may run on node1, so the B instance placed there is unassigned again: it is not reported as
        // a blocked start.
        var xml = Document(Clone("A", "a") + Clone("B", "b", interleave: true),
            constraints: """
                <rsc_location id="l" rsc="A" node="node1" score="-INFINITY"/>
                <rsc_order id="o" first="A" then="B" kind="Mandatory"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("a", "monitor", 7, 1), ("b", "monitor", 7, 2)) + Online("node2", ("a", "start", 0, 3), ("b", "start", 0, 4)));
        Assert.Empty(Summary(xml));
    }

    [Fact]
    public void Instance_stays_where_it_runs_and_a_spare_starts_where_a_dependent_needs_one()
    {
        // rsc must run with A on node3. That raises A's score on node3, which orders the instances, but is not an
        // instance's own score: a:0 and a:1 stay where they run, and the spare a:2 starts on node3.
        var xml = Document(Clone("A", "a") + Dummy("rsc"),
            constraints: """
                <rsc_location id="l" rsc="rsc" node="node3" score="INFINITY"/>
                <rsc_colocation id="c" rsc="rsc" with-rsc="A" score="INFINITY"/>
                """,
            status: Online("node1", ("a", "start", 0, 1), ("rsc", "monitor", 7, 2)) + Online("node2", ("a", "start", 0, 3), ("rsc", "monitor", 7, 4)) + Online("node3", ("a", "monitor", 7, 5), ("rsc", "monitor", 7, 6)));
        Assert.Equal(["* Start a:2 ( node3 )", "* Start rsc ( node3 )"], Summary(xml));
    }
}
