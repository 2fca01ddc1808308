using HaApi.Engine.Controller;
using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Controller;

public sealed class TransitionAbortTests
{
    [Fact]
    public void A_new_event_stops_further_dispatches_and_the_scheduler_reruns_once_in_flight_actions_settle()
    {
        var config = ControllerCluster.GroupConfig(stonith: false);
        var c = ControllerCluster.Probed(config);
        var ipStart = c.Find("ip", "start");
        var elsewhere = ControllerCluster.Names.First(n => n != ipStart.Node);

        c.Configure(config with { Locations = [ControllerCluster.Prefer("grp", elsewhere, 1000)] });
        // Aborted: still waiting for the start in flight, dispatching nothing new.
        Assert.Equal([ipStart], c.Pending);
        var aborted = c.Dc.History[^1];
        Assert.Equal(TransitionOutcome.InProgress, aborted.Outcome);

        c.Complete(ipStart);
        Assert.False(c.IsPending("web", "start") && c.Find("web", "start").Node == ipStart.Node, "web must not start on the old node");
        Assert.Equal(TransitionOutcome.Aborted, c.Dc.History.Single(h => h.Id == aborted.Id).Outcome);
        Assert.StartsWith("configuration", c.Dc.History.Single(h => h.Id == aborted.Id).AbortReason);
        c.Settle();

        Assert.Equal(elsewhere, c.NodeOf("ip"));
        Assert.Equal(elsewhere, c.NodeOf("web"));
    }

    [Fact]
    public void An_action_without_result_times_out_is_recorded_as_failed_and_recovered()
    {
        var c = ControllerCluster.Probed(ControllerCluster.GroupConfig(stonith: false));
        var ipStart = c.Find("ip", "start");
        // The start's timeout (20s) plus cluster-delay (60s).
        Assert.Equal(c.Time.GetUtcNow() + TimeSpan.FromSeconds(80), c.Dc.NextWakeUp);

        c.Time.Advance(TimeSpan.FromSeconds(79));
        c.Dc.Tick();
        Assert.Equal([ipStart], c.Pending);

        c.Time.Advance(TimeSpan.FromSeconds(1));
        c.Dc.Tick();
        c.Flush();
        c.Pending.Remove(ipStart); // the lost request's result never comes

        var node = c.Dc.Status.Current.Find(ipStart.Node)!;
        Assert.Equal(2, node.FindResource("ip")!.Operations.Single(o => o.Id == "ip_last_0").OpStatus);
        Assert.Equal(Score.InfinityValue, node.FailCount("ip").Value);
        // The start may have half-happened: stop it there, then start the group on another node.
        var stop = c.Find("ip", "stop", ipStart.Node);
        c.Complete(stop);
        c.Settle();
        Assert.NotEqual(ipStart.Node, c.NodeOf("ip"));
        Assert.Equal(c.NodeOf("ip"), c.NodeOf("web"));
    }

    [Fact]
    public void Failure_timeout_clears_the_fail_count_on_the_dc_timer()
    {
        var config = ControllerCluster.GroupConfig(stonith: false);
        config = config with { Primitives = [.. config.Primitives.Select(p => p.Id == "web" ? p with { Meta = p.Meta.SetItem(MetaNames.FailureTimeout, "2min") } : p)] };
        var c = ControllerCluster.Probed(config);
        c.Settle();
        var node = c.NodeOf("web")!;
        c.MonitorReports("web", node, rc: 7);
        c.Settle();
        Assert.Equal(1, c.Dc.Status.Current.Find(node)!.FailCount("web").Value);
        var failedAt = c.Time.GetUtcNow();
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(failedAt.ToUnixTimeSeconds()) + TimeSpan.FromMinutes(2), c.Dc.NextWakeUp);

        c.Time.Advance(TimeSpan.FromMinutes(2));
        c.Dc.Tick();
        // Handled: the expiry no longer asks for a wake-up while its record travels.
        Assert.True(c.Dc.NextWakeUp > c.Time.GetUtcNow(), $"wake-up {c.Dc.NextWakeUp} is not in the future");
        c.Flush();
        foreach (var n in c.Members) Assert.Equal(0, c.Engine(n).Status.Current.Find(node)!.FailCount("web").Value);
        Assert.Empty(c.Pending);
    }

    [Fact]
    public void The_dc_reruns_the_scheduler_at_the_cluster_recheck_interval()
    {
        var c = ControllerCluster.Probed(ControllerCluster.GroupConfig(stonith: false));
        c.Settle();
        var computed = c.Dc.History.Count;
        Assert.Equal(c.Dc.History[^1].Input.Now + TimeSpan.FromMinutes(15), c.Dc.NextWakeUp);
        c.Time.Advance(TimeSpan.FromMinutes(15));
        c.Dc.Tick();
        Assert.Equal(computed + 1, c.Dc.History.Count);
        Assert.Equal("cluster-recheck-interval", c.Dc.History[^1].Trigger);
        Assert.Empty(c.Pending);
    }

    [Fact]
    public void Transition_history_is_bounded()
    {
        var c = ControllerCluster.Probed(ControllerCluster.GroupConfig(stonith: false));
        c.Settle();
        for (var i = 0; i < 60; i++) c.Dc.Recheck($"check {i}");
        Assert.Equal(50, c.Dc.History.Count);
        Assert.Equal("check 59", c.Dc.History[^1].Trigger);
    }
}
