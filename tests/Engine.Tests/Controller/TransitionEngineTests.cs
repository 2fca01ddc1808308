using HaApi.Engine.Controller;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.Controller;

public sealed class TransitionEngineTests
{
    private static readonly string[] GroupMembers = ["ip", "web"];

    private static ControllerCluster StartedCluster(ClusterConfig config)
    {
        var c = new ControllerCluster();
        c.SetMembers(ControllerCluster.Names);
        c.Configure(config);
        c.Settle();
        Assert.All(GroupMembers, r => Assert.NotNull(c.NodeOf(r)));
        Assert.Equal(c.NodeOf("ip"), c.NodeOf("web"));
        return c;
    }

    [Fact]
    public void Group_starts_on_one_node_with_the_second_member_only_after_the_first_started()
    {
        var c = new ControllerCluster();
        c.SetMembers(ControllerCluster.Names);
        c.Configure(ControllerCluster.GroupConfig(stonith: false));

        Assert.True(c.Engine("node1").IsDc);
        // First the resources are probed everywhere; nothing starts before every probe answered.
        Assert.Equal(6, c.Pending.Count(p => p.IsProbe));
        Assert.DoesNotContain(c.Pending, p => p.Operation == "start");
        foreach (var probe in c.Pending.ToList()) c.Complete(probe);

        var ipStart = c.Find("ip", "start");
        Assert.False(c.IsPending("web", "start"), "web must wait for ip to start");
        c.Complete(ipStart);
        var webStart = c.Find("web", "start", ipStart.Node);
        c.Settle();

        Assert.Equal(ipStart.Node, c.NodeOf("ip"));
        Assert.Equal(ipStart.Node, c.NodeOf("web"));
        Assert.True(c.Executed.IndexOf($"ip start {ipStart.Node}") < c.Executed.IndexOf(ControllerCluster.Describe(webStart)));
        Assert.Contains($"ip monitor {ipStart.Node}", c.Executed);
        Assert.Contains($"web monitor {ipStart.Node}", c.Executed);

        // Settled: scheduling again on the recorded status changes nothing.
        c.Dc.Recheck();
        Assert.Empty(c.Pending);
        Assert.Equal(TransitionOutcome.Complete, c.Dc.History[^1].Outcome);
        Assert.DoesNotContain(c.Dc.History[^1].Transition.Actions, a => a.Kind != ActionKind.Pseudo);
    }

    [Fact]
    public void Without_fencing_the_group_restarts_on_another_node_when_its_node_leaves()
    {
        var c = StartedCluster(ControllerCluster.GroupConfig(stonith: false, ControllerCluster.Prefer("grp", "node3")));
        Assert.Equal("node3", c.NodeOf("ip"));

        c.SetMembers("node1", "node2");
        // node3 is gone with its resources; the simulated agents there are out of reach.
        c.Running.RemoveWhere(r => r.Node == "node3");
        Assert.Empty(c.PendingFencing);
        var ipStart = c.Find("ip", "start");
        Assert.NotEqual("node3", ipStart.Node);
        Assert.False(c.IsPending("web", "start"));
        c.Settle();

        Assert.Equal(ipStart.Node, c.NodeOf("ip"));
        Assert.Equal(ipStart.Node, c.NodeOf("web"));
    }

    [Fact]
    public void With_fencing_the_lost_node_is_fenced_before_its_group_starts_elsewhere()
    {
        var c = StartedCluster(ControllerCluster.GroupConfig(stonith: true, ControllerCluster.Prefer("grp", "node3")));
        Assert.Equal("node3", c.NodeOf("ip"));

        c.SetMembers("node1", "node2");
        var fence = Assert.Single(c.PendingFencing);
        Assert.Equal("node3", fence.Target);
        Assert.Equal("reboot", fence.Action);
        Assert.DoesNotContain(c.Pending, p => p.ResourceId is "ip" or "web");
        // However long fencing takes, nothing of the group moves meanwhile.
        c.Time.Advance(TimeSpan.FromSeconds(30));
        c.Dc.Tick();
        Assert.DoesNotContain(c.Pending, p => p.ResourceId is "ip" or "web");

        c.CompleteFencing(fence, success: true);
        Assert.Equal(["node3"], c.Fenced);
        c.Settle();

        var node = c.NodeOf("ip");
        Assert.True(node is "node1" or "node2", $"ip runs on {node}");
        Assert.Equal(node, c.NodeOf("web"));
        // The status now says node3 is cleanly down with nothing on it: no second fencing.
        c.Dc.Recheck();
        Assert.Empty(c.PendingFencing);
        Assert.Empty(c.Pending);
    }

    [Fact]
    public void With_fencing_nothing_starts_elsewhere_when_fencing_keeps_failing()
    {
        var config = ControllerCluster.GroupConfig(stonith: true, ControllerCluster.Prefer("grp", "node3"));
        config = config with { Properties = new ClusterProperties(config.Properties.Values.SetItem("stonith-max-attempts", "3")) };
        var c = StartedCluster(config);
        var startsBefore = c.Executed.Count(e => e.Contains(" start ", StringComparison.Ordinal));

        c.SetMembers("node1", "node2");
        var attempts = 0;
        while (c.PendingFencing.Count > 0)
        {
            Assert.DoesNotContain(c.Pending, p => p.ResourceId is "ip" or "web");
            c.CompleteFencing(c.PendingFencing[0], success: false);
            attempts++;
            Assert.True(attempts <= 3, "the DC fenced more often than stonith-max-attempts");
        }

        Assert.Equal(3, attempts);
        Assert.DoesNotContain(c.Pending, p => p.ResourceId is "ip" or "web");
        Assert.Equal(startsBefore, c.Executed.Count(e => e.Contains(" start ", StringComparison.Ordinal)));
        Assert.Empty(c.Fenced);
        Assert.False(c.Dc.Busy);
    }

    [Fact]
    public void A_failed_monitor_is_recovered_in_place_by_stop_then_start()
    {
        var c = StartedCluster(ControllerCluster.GroupConfig(stonith: false));
        var node = c.NodeOf("web")!;
        var executedBefore = c.Executed.Count;

        c.MonitorReports("web", node, rc: 7);
        var stop = c.Find("web", "stop", node);
        Assert.False(c.IsPending("web", "start"), "start only after the stop");
        c.Complete(stop);
        c.Find("web", "start", node);
        c.Settle();

        Assert.Equal(node, c.NodeOf("web"));
        Assert.Equal(node, c.NodeOf("ip"));
        var recovery = c.Executed.Skip(executedBefore).ToList();
        Assert.True(recovery.IndexOf($"web stop {node}") < recovery.IndexOf($"web start {node}"), string.Join(", ", recovery));
        Assert.DoesNotContain(recovery, e => e.StartsWith("ip ", StringComparison.Ordinal));
        Assert.Contains(c.Dc.Status.Current.Find(node)!.TransientAttributes, kv => kv.Key == "fail-count-web#monitor_10000" && kv.Value == "1");
    }

    [Fact]
    public void Standby_node_moves_its_group_to_another_node()
    {
        var config = ControllerCluster.GroupConfig(stonith: false);
        var c = StartedCluster(config);
        var from = c.NodeOf("ip")!;
        var executedBefore = c.Executed.Count;

        var standby = config with
        {
            Nodes = [.. config.Nodes.Select(n => n.Name == from ? n with { Attributes = n.Attributes.SetItem(Node.StandbyAttribute, "on") } : n)],
        };
        c.Configure(standby);
        // Stopped in reverse order, then started in order elsewhere.
        var webStop = c.Find("web", "stop", from);
        Assert.False(c.IsPending("ip", "stop"));
        c.Complete(webStop);
        c.Complete(c.Find("ip", "stop", from));
        c.Settle();

        var to = c.NodeOf("ip");
        Assert.NotNull(to);
        Assert.NotEqual(from, to);
        Assert.Equal(to, c.NodeOf("web"));
        var moved = c.Executed.Skip(executedBefore).ToList();
        Assert.True(moved.IndexOf($"ip start {to}") < moved.IndexOf($"web start {to}"));
    }

    [Fact]
    public void Migratable_group_moves_by_migrate_to_and_migrate_from_without_restarting()
    {
        var config = ControllerCluster.GroupConfig(stonith: false);
        config = config with { Groups = [config.Groups[0] with { Meta = Attributes.Empty.SetItem(MetaNames.AllowMigrate, "true") }] };
        var c = StartedCluster(config);
        var from = c.NodeOf("ip")!;
        var executedBefore = c.Executed.Count;

        c.Configure(config with { Nodes = [.. config.Nodes.Select(n => n.Name == from ? n with { Attributes = n.Attributes.SetItem(Node.StandbyAttribute, "on") } : n)] });
        var migrateTo = c.Find("ip", "migrate_to", from);
        Assert.NotNull(migrateTo.ExtraMeta);
        Assert.Equal(from, migrateTo.ExtraMeta!["migrate_source"]);
        var to = migrateTo.ExtraMeta["migrate_target"];
        c.Settle();

        var moved = c.Executed.Skip(executedBefore).ToList();
        Assert.Equal((to, to), (c.NodeOf("ip"), c.NodeOf("web")));
        Assert.True(moved.IndexOf($"ip migrate_to {from}") < moved.IndexOf($"ip migrate_from {to}"));
        Assert.True(moved.IndexOf($"ip migrate_from {to}") < moved.IndexOf($"ip stop {from}"));
        Assert.DoesNotContain(moved, e => e.Contains(" start ", StringComparison.Ordinal));
        Assert.Contains($"ip monitor {to}", moved);

        // The recorded history reads back as migrated: scheduling again changes nothing.
        c.Dc.Recheck();
        Assert.Empty(c.Pending);
        Assert.DoesNotContain(c.Dc.History[^1].Transition.Actions, a => a.Kind != ActionKind.Pseudo);
    }

    [Fact]
    public void New_dc_continues_from_the_status_without_restarting_healthy_resources()
    {
        var c = StartedCluster(ControllerCluster.GroupConfig(stonith: false, ControllerCluster.Prefer("grp", "node3")));
        Assert.True(c.Engine("node1").IsDc);
        Assert.Equal("node3", c.NodeOf("ip"));
        var executedBefore = c.Executed.Count;

        c.SetMembers("node2", "node3");
        Assert.True(c.Engine("node2").IsDc);

        var last = c.Engine("node2").History[^1];
        Assert.DoesNotContain(last.Transition.Actions, a => a.Kind is ActionKind.Start or ActionKind.Stop or ActionKind.Probe);
        Assert.Empty(c.Pending);
        Assert.Equal(ControllerCluster.Dump(c.Engine("node1").Status.Current.Find("node3")),
            ControllerCluster.Dump(c.Engine("node2").Status.Current.Find("node3")));
        Assert.Empty(c.Executed.Skip(executedBefore));
        Assert.Equal("node3", c.NodeOf("web"));
    }

    [Fact]
    public void Every_transition_is_kept_with_its_input_and_replays_to_the_same_actions()
    {
        var c = StartedCluster(ControllerCluster.GroupConfig(stonith: false));
        var history = c.Dc.History;
        Assert.NotEmpty(history);
        foreach (var record in history)
        {
            var replayed = Scheduler.Scheduler.Schedule(record.Input);
            Assert.Equal(string.Join("\n", record.Transition.Actions), string.Join("\n", replayed.Actions));
            Assert.Equal(string.Join("\n", record.Transition.Orderings), string.Join("\n", replayed.Orderings));
        }
    }
}
