using HaApi.Engine.Scheduler;
using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Scheduler;

/// <summary>
/// Live migration, interleaved clones, cancelled monitors and pending nodes. Every expected summary and action set
/// here was checked against crm_simulate 2.1.5 (HAAPI_DUMP_CIB=dir writes the inputs out for replay).
/// </summary>
public sealed class MigrationInterleaveCancelTests
{
    private const string Monitor10s = """<operations><op id="OPID-mon" name="monitor" interval="10s"/></operations>""";

    private static string Migratable(string id, bool allowMigrate = true) =>
        $"<primitive id=\"{id}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">" +
        (allowMigrate ? $"<meta_attributes id=\"{id}-m\"><nvpair id=\"{id}-am\" name=\"allow-migrate\" value=\"true\"/></meta_attributes>" : "") +
        Monitor10s.Replace("OPID", id, StringComparison.Ordinal) + "</primitive>";

    private static string Clone(string id, string child, bool interleave) =>
        $"<clone id=\"{id}\"><meta_attributes id=\"{id}-m\"><nvpair id=\"{id}-i\" name=\"interleave\" value=\"{(interleave ? "true" : "false")}\"/></meta_attributes>" +
        $"<primitive id=\"{child}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">{Monitor10s.Replace("OPID", child, StringComparison.Ordinal)}</primitive></clone>";

    private static (string, string, int, int)[] Running(string rsc, int call, int monitorRc = 0) => [(rsc, "start", 0, call), (rsc, "monitor_10000", monitorRc, call + 1)];

    private static SchedulerAction Single(Transition t, ActionKind kind, string node) => Assert.Single(t.Actions, a => a.Kind == kind && a.Node == node);

    [Fact]
    public void Migratable_resource_moves_by_migrate_to_then_migrate_from_and_its_start_is_a_pseudo_action()
    {
        var xml = Document(Migratable("vm"), constraints: """<rsc_location id="prefer-2" rsc="vm" node="node2" score="100"/>""",
            nodes: "node1 node2", status: Online("node1", Running("vm", 1)) + Online("node2", ("vm", "monitor", 7, 3)));
        Assert.Equal(["* Migrate vm ( node1 -> node2 )"], Summary(xml));

        var t = Schedule(xml);
        var migrateTo = Single(t, ActionKind.MigrateTo, "node1");
        var migrateFrom = Single(t, ActionKind.MigrateFrom, "node2");
        var stop = Single(t, ActionKind.Stop, "node1");
        Assert.All(new[] { migrateTo, migrateFrom }, a => Assert.Equal(("node1", "node2"), (a.MigrateSource, a.MigrateTarget)));
        Assert.DoesNotContain(t.Actions, a => a.Kind == ActionKind.Start);
        Assert.Contains(t.Actions, a => a is { Kind: ActionKind.Pseudo, Task: "start", Resource: "vm" });
        Assert.Contains(new ActionOrdering(migrateTo.Id, migrateFrom.Id), t.Orderings);
        Assert.Contains(new ActionOrdering(migrateFrom.Id, stop.Id), t.Orderings);
    }

    [Fact]
    public void Resource_without_allow_migrate_moves_by_stop_and_start()
    {
        var xml = Document(Migratable("vm", allowMigrate: false), constraints: """<rsc_location id="prefer-2" rsc="vm" node="node2" score="100"/>""",
            nodes: "node1 node2", status: Online("node1", Running("vm", 1)) + Online("node2", ("vm", "monitor", 7, 3)));
        Assert.Equal(["* Move vm ( node1 -> node2 )"], Summary(xml));
        Assert.DoesNotContain(Schedule(xml).Actions, a => a.Kind is ActionKind.MigrateTo or ActionKind.MigrateFrom);
    }

    [Fact]
    public void Migratable_group_member_after_a_member_that_cannot_migrate_moves_by_stop_and_start()
    {
        var xml = Document($"<group id=\"g\">{Migratable("g1", allowMigrate: false)}{Migratable("g2")}</group>",
            constraints: """<rsc_location id="prefer-2" rsc="g" node="node2" score="100"/>""", nodes: "node1 node2",
            status: Online("node1", [.. Running("g1", 1), .. Running("g2", 3)]) + Online("node2", ("g1", "monitor", 7, 5), ("g2", "monitor", 7, 6)));
        Assert.Equal(["* Move g1 ( node1 -> node2 )", "* Move g2 ( node1 -> node2 ) due to unrunnable g1 stop"], Summary(xml));
    }

    private static string MigratingGroupAndPrimitive(string groupMeta, string order) =>
        Document($"<group id=\"grp\">{groupMeta}{Migratable("g1")}{Migratable("g2")}</group>" + Migratable("vm"),
            constraints: $"""<rsc_location id="grp-2" rsc="grp" node="node2" score="100"/><rsc_location id="vm-2" rsc="vm" node="node2" score="100"/>{order}""",
            nodes: "node1 node2",
            status: Online("node1", [.. Running("g1", 1), .. Running("g2", 3), .. Running("vm", 5)]) + Online("node2", ("g1", "monitor", 7, 7), ("g2", "monitor", 7, 8), ("vm", "monitor", 7, 9)));

    [Fact]
    public void Migratable_resource_that_must_stop_before_a_stopping_group_moves_by_stop_and_start()
    {
        // The group's stop is a pseudo action that never migrates, even when every member does (seed 5196).
        var xml = MigratingGroupAndPrimitive("""<meta_attributes id="grp-m"><nvpair id="grp-am" name="allow-migrate" value="true"/></meta_attributes>""",
            """<rsc_order id="grp-then-vm" first="grp" then="vm" kind="Mandatory"/>""");
        Assert.Equal(["* Migrate g1 ( node1 -> node2 )", "* Migrate g2 ( node1 -> node2 )", "* Move vm ( node1 -> node2 ) due to unrunnable grp stop"], Summary(xml));
    }

    [Fact]
    public void Group_members_ordered_after_a_restarting_resource_still_migrate()
    {
        // "vm then grp" orders the group's pseudo stop before vm's stop, not the members' stops (seed 6009).
        var xml = MigratingGroupAndPrimitive("", """<rsc_order id="vm-then-grp" first="vm" then="grp" kind="Mandatory"/>""")
            .Replace("""<nvpair id="vm-am" name="allow-migrate" value="true"/>""", "", StringComparison.Ordinal);
        Assert.Equal(["* Migrate g1 ( node1 -> node2 )", "* Migrate g2 ( node1 -> node2 )", "* Move vm ( node1 -> node2 )"], Summary(xml));
    }

    private static string GroupBehindStoppedResource(string members) =>
        Document($"<group id=\"grp\">{members}</group>" + Dummy("rsc1", Pair("target-role", "Stopped")),
            constraints: """<rsc_location id="grp-2" rsc="grp" node="node2" score="100"/><rsc_order id="rsc1-then-grp" first="rsc1" then="grp" kind="Mandatory"/>""",
            nodes: "node1 node2",
            status: Online("node1", [.. Running("g1", 1), .. Running("g2", 3), .. Running("g3", 5), ("rsc1", "monitor", 7, 7)])
                    + Online("node2", ("g1", "monitor", 7, 8), ("g2", "monitor", 7, 9), ("g3", "monitor", 7, 10), ("rsc1", "monitor", 7, 11)));

    [Fact]
    public void Group_members_whose_migrations_cannot_start_stop_each_for_the_previous_members_stop()
    {
        // Each member's stop stops migrating because the previous member's does (seed 7009).
        var xml = GroupBehindStoppedResource(Migratable("g1") + Migratable("g2") + Migratable("g3"));
        Assert.Equal(["* Stop g1 ( node1 ) due to unrunnable rsc1 start", "* Stop g2 ( node1 ) due to unrunnable g1 stop", "* Stop g3 ( node1 ) due to unrunnable g2 stop"], Summary(xml));
    }

    [Fact]
    public void Member_after_a_migration_that_cannot_start_reports_that_members_start()
    {
        // g1's start stops being a pseudo action, which updates g2's start from it before the group does (seed 7216).
        var xml = GroupBehindStoppedResource(Migratable("g1") + Migratable("g2", allowMigrate: false) + Migratable("g3", allowMigrate: false));
        Assert.Equal(["* Stop g1 ( node1 ) due to unrunnable rsc1 start", "* Stop g2 ( node1 ) due to unrunnable g1 start", "* Stop g3 ( node1 ) due to unrunnable g2 start"], Summary(xml));
    }

    [Fact]
    public void Dependent_of_a_migrating_resource_keeps_running()
    {
        var xml = Document(Migratable("vm") + Migratable("app", allowMigrate: false),
            constraints: """<rsc_location id="prefer-2" rsc="vm" node="node2" score="100"/><rsc_order id="vm-then-app" first="vm" then="app" kind="Mandatory"/>""",
            nodes: "node1 node2", status: Online("node1", [.. Running("vm", 1), .. Running("app", 3)]) + Online("node2", ("vm", "monitor", 7, 5), ("app", "monitor", 7, 6)));
        Assert.Equal(["* Migrate vm ( node1 -> node2 )"], Summary(xml));
    }

    private static string ClonePair(bool interleave) => Document(Clone("A", "a", interleave: false) + Clone("B", "b", interleave),
        constraints: """<rsc_order id="A-then-B" first="A" then="B" kind="Mandatory"/>""",
        status: Online("node1", [.. Running("a", 1, monitorRc: 1), .. Running("b", 3)]) + Online("node2", [.. Running("a", 5), .. Running("b", 7)])
                + Online("node3", ("a", "monitor", 7, 9), ("b", "monitor", 7, 10)));

    [Fact]
    public void Without_interleave_every_dependent_clone_instance_restarts_when_any_instance_of_the_first_clone_starts()
    {
        Assert.Equal(
            ["* Recover a:0 ( node1 )", "* Start a:2 ( node3 )", "* Restart b:0 ( node1 ) due to required A running",
             "* Restart b:1 ( node2 ) due to required A running", "* Start b:2 ( node3 )"],
            Summary(ClonePair(interleave: false)));
    }

    [Fact]
    public void Interleaved_clone_restarts_only_the_instance_on_the_node_where_the_first_clone_restarts()
    {
        Assert.Equal(
            ["* Recover a:0 ( node1 )", "* Start a:2 ( node3 )", "* Restart b:0 ( node1 ) due to required a:0 start", "* Start b:2 ( node3 )"],
            Summary(ClonePair(interleave: true)));
    }

    [Fact]
    public void Interleaved_instance_stops_where_the_first_clone_can_no_longer_run()
    {
        var xml = Document(Clone("A", "a", interleave: false) + Clone("B", "b", interleave: true),
            constraints: """<rsc_location id="ban-A" rsc="A" node="node2" score="-INFINITY"/><rsc_order id="A-then-B" first="A" then="B" kind="Mandatory"/>""",
            status: Online("node1", [.. Running("a", 1), .. Running("b", 3)]) + Online("node2", [.. Running("a", 5), .. Running("b", 7)])
                    + Online("node3", [.. Running("a", 9), .. Running("b", 11)]));
        Assert.Equal(["* Stop a:1 ( node2 ) due to node availability", "* Stop b:1 ( node2 )"], Summary(xml));
    }

    [Fact]
    public void Monitor_removed_from_the_configuration_is_cancelled_where_the_resource_runs()
    {
        var xml = Document(Dummy("rsc1"), nodes: "node1 node2", status: Online("node1", Running("rsc1", 1)) + Online("node2", ("rsc1", "monitor", 7, 3)));
        var t = Schedule(xml);
        Assert.Empty(Summary(xml));
        var cancel = Single(t, ActionKind.Cancel, "node1");
        Assert.Equal((TimeSpan.FromSeconds(10), "rsc1"), (cancel.Interval, cancel.Resource));
    }

    [Fact]
    public void Monitor_whose_interval_changed_is_replaced_and_the_old_one_cancelled()
    {
        var primitive = """<primitive id="rsc1" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="m20" name="monitor" interval="20s"/></operations></primitive>""";
        var t = Schedule(Document(primitive, nodes: "node1 node2", status: Online("node1", Running("rsc1", 1)) + Online("node2", ("rsc1", "monitor", 7, 3))));
        Assert.Equal(TimeSpan.FromSeconds(10), Single(t, ActionKind.Cancel, "node1").Interval);
        Assert.Equal(TimeSpan.FromSeconds(20), Single(t, ActionKind.Monitor, "node1").Interval);
    }

    [Fact]
    public void Stopping_resource_needs_no_cancel_of_its_configured_monitor()
    {
        var xml = Document(Migratable("rsc1", allowMigrate: false), constraints: """<rsc_location id="ban-1" rsc="rsc1" node="node1" score="-INFINITY"/>""",
            nodes: "node1 node2", status: Online("node1", Running("rsc1", 1)) + Online("node2", ("rsc1", "monitor", 7, 3)));
        Assert.DoesNotContain(Schedule(xml).Actions, a => a.Kind == ActionKind.Cancel);
    }

    private const string PendingNode2 = """<node_state id="node2" uname="node2" in_ccm="true" crmd="online" join="down" expected="member"/>""";

    [Fact]
    public void With_fencing_a_node_in_the_membership_that_has_not_joined_blocks_starts_of_resources_not_probed_there()
    {
        var xml = Document("""<primitive id="fence1" class="stonith" type="fence_dummy"/>""" + Dummy("rsc1"), nodes: "node1 node2", stonith: true,
            status: Online("node1", ("fence1", "monitor", 7, 1), ("rsc1", "monitor", 7, 2)) + PendingNode2);
        Assert.Equal(["* Start fence1 ( node1 ) blocked", "* Start rsc1 ( node1 ) blocked"], Summary(xml));
    }

    [Fact]
    public void Without_fencing_a_node_that_has_not_joined_does_not_block_starts()
    {
        var xml = Document(Dummy("rsc1"), nodes: "node1 node2", status: Online("node1", ("rsc1", "monitor", 7, 1)) + PendingNode2);
        Assert.Equal(["* Start rsc1 ( node1 )"], Summary(xml));
    }
}
