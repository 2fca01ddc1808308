using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// How rsc_order constraints combine. Every expected summary here was checked against crm_simulate 2.1.5
/// (HAAPI_DUMP_CIB=dir writes the inputs out for replay).
/// </summary>
public sealed class OrderingConstraintTests
{
    private static string TwoOrders(string firstKind, string secondKind) =>
        Document(Dummy("rsc1") + Dummy("rsc2"),
            constraints: $"""
                <rsc_location id="l" rsc="rsc1" node="node1" score="100"/>
                <rsc_order id="o1" first="rsc1" then="rsc2" kind="{firstKind}"/>
                <rsc_order id="o2" first="rsc1" then="rsc2" kind="{secondKind}"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 7, 2)) + Online("node2", ("rsc1", "monitor", 7, 3), ("rsc2", "start", 0, 4)));

    [Fact]
    public void Optional_order_listed_before_a_mandatory_one_between_the_same_resources_wins()
    {
        // Pacemaker keeps only the first ordering between the same two actions, so the mandatory order is dropped
        // and rsc2 keeps running while rsc1 starts.
        Assert.Equal(["* Start rsc1 ( node1 )"], Summary(TwoOrders("Optional", "Mandatory")));
    }

    [Fact]
    public void Mandatory_order_listed_first_restarts_the_dependent_despite_a_later_optional_one()
    {
        Assert.Equal(["* Start rsc1 ( node1 )", "* Restart rsc2 ( node2 ) due to required rsc1 start"], Summary(TwoOrders("Mandatory", "Optional")));
    }

    private static string Group(string id, params string[] members) => $"<group id=\"{id}\">{string.Concat(members.Select(m => Dummy(m)))}</group>";

    /// <summary>rsc2 moves from node2 to node1, where the group ordered after it runs (g2 started, g1's history
    /// varies).</summary>
    private static string PrerequisiteMovingToGroup((string, string, int, int) g1OnNode1) =>
        Document(Dummy("rsc2") + Group("grp", "g1", "g2"),
            constraints: """
                <rsc_location id="l1" rsc="rsc2" node="node1" score="100"/>
                <rsc_location id="l2" rsc="grp" node="node1" score="100"/>
                <rsc_order id="o" first="rsc2" then="grp" kind="Mandatory"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc2", "monitor", 7, 1), g1OnNode1, ("g2", "start", 0, 3)) + Online("node2", ("rsc2", "start", 0, 4), ("g1", "monitor", 7, 5), ("g2", "monitor", 7, 6)));

    [Fact]
    public void Group_member_already_starting_lets_the_next_member_restart_for_the_prerequisite()
    {
        // rsc2 moves, so the group after it restarts. Pacemaker updates each member from rsc2's start in turn: g1
        // starts anyway (nothing changes), so g2 is the first to be changed by rsc2 and reports it.
        var xml = PrerequisiteMovingToGroup(g1OnNode1: ("g1", "monitor", 7, 2));
        Assert.Equal(["* Move rsc2 ( node2 -> node1 )", "* Start g1 ( node1 )", "* Restart g2 ( node1 ) due to required rsc2 start"], Summary(xml));
    }

    [Fact]
    public void Group_member_restarting_for_the_prerequisite_passes_it_on_to_the_next_member()
    {
        // g1 is changed first by rsc2's start and makes g2's start required before g2 is looked at.
        var xml = PrerequisiteMovingToGroup(g1OnNode1: ("g1", "start", 0, 2));
        Assert.Equal(["* Move rsc2 ( node2 -> node1 )", "* Restart g1 ( node1 ) due to required rsc2 start", "* Restart g2 ( node1 ) due to required g1 start"], Summary(xml));
    }

    [Fact]
    public void Dependent_of_a_moving_group_restarts_because_the_group_runs_again()
    {
        // The group's members stop, but that does not make rsc2's stop required through the reverse order (2.1.5
        // never forces a primitive's stop that way): rsc2 restarts because the group's "running" is required.
        var xml = Document(Dummy("rsc2") + Group("grp", "g1", "g2"),
            constraints: """
                <rsc_location id="l" rsc="grp" node="node2" score="100"/>
                <rsc_order id="o" first="grp" then="rsc2" kind="Mandatory"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc2", "start", 0, 1), ("g1", "start", 0, 2), ("g2", "start", 0, 3)) + Online("node2", ("rsc2", "monitor", 7, 4), ("g1", "monitor", 7, 5), ("g2", "monitor", 7, 6)));
        Assert.Equal(["* Restart rsc2 ( node1 ) due to required grp running", "* Move g1 ( node1 -> node2 )", "* Move g2 ( node1 -> node2 )"], Summary(xml));
    }

    [Fact]
    public void Dependent_of_a_group_that_stops_entirely_reports_the_unrunnable_group()
    {
        // g1 is stopped by its target-role, so g2 cannot run either. Their starts are created by the group's own
        // orderings, after their "stop before start" was skipped, so the stops do not make the group's "running"
        // required: rsc1 stops because that "running" cannot run.
        var xml = Document(Dummy("rsc1") + $"<group id=\"grp\">{Dummy("g1", Pair("target-role", "Stopped"))}{Dummy("g2")}</group>",
            constraints: """<rsc_order id="o" first="grp" then="rsc1" kind="Mandatory"/>""",
            nodes: "node1 node2",
            status: Online("node1", ("rsc1", "start", 0, 1), ("g1", "start", 0, 2), ("g2", "start", 0, 3)) + Online("node2", ("rsc1", "monitor", 7, 4), ("g1", "monitor", 7, 5), ("g2", "monitor", 7, 6)));
        Assert.Equal(["* Stop rsc1 ( node1 ) due to unrunnable grp running", "* Stop g1 ( node1 ) due to node availability", "* Stop g2 ( node1 ) due to node availability"], Summary(xml));
    }

    [Fact]
    public void Non_symmetrical_order_on_a_prerequisite_that_cannot_start_keeps_the_dependent_from_moving()
    {
        // rsc1 would move to node1, so its start there is not a start in place: rsc2 cannot start, and the
        // non-symmetrical order makes that start unrunnable too (only a resource staying put is left alone).
        var xml = Document(Dummy("rsc1") + Dummy("rsc2", Pair("target-role", "Stopped")),
            constraints: """
                <rsc_location id="l" rsc="rsc1" node="node1" score="100"/>
                <rsc_order id="o" first="rsc2" then="rsc1" kind="Mandatory" symmetrical="false"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 7, 2)) + Online("node2", ("rsc1", "start", 0, 3), ("rsc2", "monitor", 7, 4)));
        Assert.Equal(["* Stop rsc1 ( node2 ) due to unrunnable rsc2 start"], Summary(xml));
    }

    [Fact]
    public void Non_symmetrical_order_on_a_prerequisite_that_cannot_start_leaves_a_resource_staying_put_alone()
    {
        var xml = Document(Dummy("rsc1") + Dummy("rsc2", Pair("target-role", "Stopped")),
            constraints: """<rsc_order id="o" first="rsc2" then="rsc1" kind="Mandatory" symmetrical="false"/>""",
            nodes: "node1 node2",
            status: Online("node1", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 7, 2)) + Online("node2", ("rsc1", "start", 0, 3), ("rsc2", "monitor", 7, 4)));
        Assert.Empty(Summary(xml));
    }

    [Fact]
    public void Order_on_a_resource_that_never_starts_does_not_make_its_start_required()
    {
        // rsc3 has no start action when "rsc1 then rsc3" is applied, so Pacemaker ignores that order; the start it
        // creates for "rsc3 then rsc2" stays optional and only blocks rsc2 (seed 6012).
        var xml = Document(Dummy("rsc1") + Dummy("rsc2") + Dummy("rsc3", Pair("target-role", "Stopped")),
            constraints: """
                <rsc_location id="l" rsc="rsc1" node="node1" score="100"/>
                <rsc_order id="o1" first="rsc1" then="rsc3" kind="Mandatory"/>
                <rsc_order id="o2" first="rsc3" then="rsc2" kind="Mandatory"/>
                """,
            nodes: "node1 node2",
            status: Online("node1", ("rsc1", "monitor", 7, 1), ("rsc2", "monitor", 7, 2), ("rsc3", "monitor", 7, 3))
                    + Online("node2", ("rsc1", "start", 0, 4), ("rsc2", "start", 0, 5), ("rsc3", "monitor", 7, 6)));
        Assert.Equal(["* Move rsc1 ( node2 -> node1 )", "* Stop rsc2 ( node2 ) due to unrunnable rsc3 start"], Summary(xml));
    }
}
