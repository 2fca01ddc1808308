using HaApi.Engine.Controller;
using HaApi.Engine.Model;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.Controller;

/// <summary>What happens to work in flight when the membership changes, and the operator's cleanup.</summary>
public sealed class ControllerTakeoverTests
{
    private static ClusterConfig OneResource(params LocationConstraint[] locations) => ControllerCluster.GroupConfig(stonith: false, locations) with
    {
        Groups = [],
        Primitives = [ControllerCluster.Dummy("ip")],
    };

    [Fact]
    public void A_new_dc_counts_a_start_still_in_flight_as_active_and_does_not_start_a_second_copy()
    {
        var c = ControllerCluster.Probed(OneResource(ControllerCluster.Prefer("ip", "node3")));
        var start = c.Find("ip", "start", "node3");
        Assert.Equal(OperationRecord.StatusPending,
            c.Engine("node2").Status.Current.Find("node3")!.FindResource("ip")!.Operations.Single().OpStatus);

        // The DC dies before node3 reports; node2 takes over with only the replicated status to go on.
        c.SetMembers("node2", "node3");
        Assert.True(c.Engine("node2").IsDc);
        Assert.Equal([start], c.Pending.Where(p => p.Operation == "start"));
        Assert.DoesNotContain(c.Engine("node2").History[^1].Transition.Actions, a => a.Kind == ActionKind.Start);

        c.Complete(start);
        c.Settle();
        Assert.Equal("node3", c.NodeOf("ip"));
        Assert.DoesNotContain(c.Executed, e => e.StartsWith("ip start node2", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dc_stays_dc_while_a_new_view_synchronises_and_waits_for_its_actions_in_flight()
    {
        var c = ControllerCluster.Probed(OneResource(ControllerCluster.Prefer("ip", "node2")));
        var start = c.Find("ip", "start", "node2");

        c.DeliverView("node1", "node2");
        Assert.True(c.Engine("node1").IsDc);
        Assert.True(c.Engine("node1").Busy, "the transition with the start in flight was dropped");
        Assert.Contains(start, c.Pending);

        c.SetMembers("node1", "node2");
        c.Complete(start);
        c.Settle();
        Assert.Equal("node2", c.NodeOf("ip"));
        Assert.Single(c.Executed, e => e.StartsWith("ip start", StringComparison.Ordinal));
    }

    [Fact]
    public void Cleanup_forgets_failures_and_history_so_the_resource_is_probed_and_may_return()
    {
        var config = OneResource(ControllerCluster.Prefer("ip", "node1")) with
        {
            Primitives = [ControllerCluster.Dummy("ip") with { Meta = Attributes.From(new Dictionary<string, string> { ["migration-threshold"] = "1" }) }],
        };
        var c = ControllerCluster.Probed(config);
        c.Settle();
        Assert.Equal("node1", c.NodeOf("ip"));

        c.MonitorReports("ip", "node1", 7);
        c.Settle();
        var elsewhere = c.NodeOf("ip");
        Assert.NotEqual("node1", elsewhere);
        Assert.Contains(c.Engine("node2").Status.Current.Find("node1")!.TransientAttributes.Keys, k => k.StartsWith("fail-count-ip", StringComparison.Ordinal));

        var executed = c.Executed.Count;
        c.Publish(new ResourceCleanup(Guid.NewGuid(), "ip", null, "admin", c.Time.GetUtcNow()));
        c.Flush();
        foreach (var engine in ControllerCluster.Names.Select(c.Engine))
        {
            Assert.DoesNotContain(engine.Status.Current.Find("node1")!.TransientAttributes.Keys, k => k.StartsWith("fail-count-ip", StringComparison.Ordinal));
            Assert.All(engine.Status.Current.Nodes, n => Assert.Null(n.FindResource("ip")));
        }
        c.Settle();
        var after = c.Executed.Skip(executed).ToList();
        Assert.Contains("ip probe node1", after);
        Assert.Equal("node1", c.NodeOf("ip"));
    }

    [Fact]
    public void Settlement_lists_what_the_cluster_still_has_to_do_until_it_is_done()
    {
        var c = new ControllerCluster();
        c.SetMembers(ControllerCluster.Names);
        var config = OneResource(ControllerCluster.Prefer("ip", "node2"));
        var status = c.Engine("node1").Status.Current;
        var pending = Settlement.PendingActions(config, status, quorate: true, c.Time.GetUtcNow()).Select(Settlement.Describe).ToList();
        Assert.Contains("probe ip on node2", pending);

        c.Configure(config);
        c.Settle();
        Assert.Empty(Settlement.PendingActions(config, c.Engine("node3").Status.Current, quorate: true, c.Time.GetUtcNow()));
    }
}
