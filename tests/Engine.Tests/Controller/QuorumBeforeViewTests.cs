using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.Controller;

/// <summary>
/// The transport delivers a lost quorum before the view of the ring that lost it (IGroupTransport's QuorumChanged
/// contract). These tests hold the controller to its side of that contract: a DC cut off alone, told first that it
/// lost quorum and then that the others left, fences nobody — the e2e run where it fenced the healthy majority had
/// the view first.
/// </summary>
public sealed class QuorumBeforeViewTests
{
    [Fact]
    public void A_dc_cut_off_alone_fences_nobody_when_its_quorum_is_lost_before_the_view_in_which_the_others_left()
    {
        var c = ControllerCluster.Probed(ControllerCluster.GroupConfig(stonith: true, ControllerCluster.Prefer("grp", "node3")));
        c.Settle();
        var node1 = c.Engine("node1");
        Assert.True(node1.IsDc);

        node1.QuorumChanged(false);
        c.DeliverView("node1");
        c.Time.Advance(TimeSpan.FromSeconds(30));
        node1.Tick();

        Assert.Empty(c.PendingFencing);
        Assert.DoesNotContain(node1.History.SelectMany(t => t.Transition.Actions), a => a.Kind == ActionKind.Fence);
        Assert.Contains(node1.History, t => t.Trigger == "quorum lost");
    }

    [Fact]
    public void The_majority_that_keeps_quorum_fences_the_node_it_lost()
    {
        var c = ControllerCluster.Probed(ControllerCluster.GroupConfig(stonith: true, ControllerCluster.Prefer("grp", "node1")));
        c.Settle();

        c.DeliverView("node2", "node3");
        c.SetMembers("node2", "node3");

        var fence = Assert.Single(c.PendingFencing);
        Assert.Equal("node1", fence.Target);
    }
}
