using HaApi.Engine.Controller;
using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Controller;

/// <summary>
/// A node's clean stop as the controllers see it: the "shutdown" attribute makes the DC move the node's resources
/// away, and a node that announced it is leaving departs without being fenced; one that did not is a lost node.
/// </summary>
public class NodeShutdownTests
{
    private static ControllerCluster StartedOnNode3(bool stonith)
    {
        var c = new ControllerCluster();
        c.SetMembers(ControllerCluster.Names);
        c.Configure(ControllerCluster.GroupConfig(stonith, ControllerCluster.Prefer("grp", "node3")));
        c.Settle();
        Assert.Equal("node3", c.NodeOf("ip"));
        return c;
    }

    private static void RequestShutdown(ControllerCluster c, string node)
    {
        var attributes = Attributes.From(new Dictionary<string, string> { ["shutdown"] = "1795651200" });
        foreach (var m in c.Members) c.Engine(m).AttributesChanged(node, attributes);
        c.Flush();
    }

    [Fact]
    public void The_shutdown_attribute_moves_the_group_away_and_an_announced_departure_is_not_fenced()
    {
        var c = StartedOnNode3(stonith: true);

        RequestShutdown(c, "node3");
        Assert.Equal(["web stop node3"], c.Pending.Where(p => p.Operation is "start" or "stop").Select(ControllerCluster.Describe));
        c.Settle();
        Assert.DoesNotContain(c.Running, r => r.Node == "node3");
        var newNode = c.NodeOf("ip");
        Assert.NotNull(newNode);
        Assert.Equal(newNode, c.NodeOf("web"));

        c.Publish(new NodeLeaving("node3", c.Time.GetUtcNow()));
        c.Flush();
        Assert.All(c.Members, m => Assert.Equal("down", c.Engine(m).Status.Current.Find("node3")!.Expected));
        var executedBefore = c.Executed.Count;
        c.SetMembers("node1", "node2");

        Assert.Empty(c.PendingFencing);
        c.Settle();
        Assert.Equal(newNode, c.NodeOf("ip"));
        Assert.DoesNotContain(c.Executed.Skip(executedBefore), e => e.Contains(" start ", StringComparison.Ordinal) || e.Contains(" stop ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_drained_node_that_leaves_without_announcing_it_is_fenced_like_any_lost_node()
    {
        var c = StartedOnNode3(stonith: true);
        RequestShutdown(c, "node3");
        c.Settle();

        c.SetMembers("node1", "node2");

        var fence = Assert.Single(c.PendingFencing);
        Assert.Equal("node3", fence.Target);
    }
}
