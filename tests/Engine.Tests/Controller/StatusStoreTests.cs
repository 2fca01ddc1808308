using HaApi.Engine.Controller;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.Controller;

public sealed class StatusStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly GroupMember Node1 = new(1, 1, "node1");
    private static readonly GroupMember Node2 = new(2, 1, "node2");

    private static OperationResultRecorded Result(string node, string op, int rc, int expected = 0, TimeSpan interval = default, int failCount = 0) =>
        new(node, "web", "ocf", "heartbeat", "Dummy", op, interval, rc, 0, expected, T0, FailCountIncrement: failCount);

    private static StatusStore TwoMembers()
    {
        var s = new StatusStore();
        s.ApplyMembership([Node1, Node2]);
        return s;
    }

    [Fact]
    public void Members_are_online_controllers_expected_as_members()
    {
        var s = TwoMembers();
        var n = s.Current.Find("node2")!;
        Assert.True(n.InMembership && n.ControllerOnline);
        Assert.Equal("member", n.Join);
        Assert.Equal("member", n.Expected);
        Assert.Equal("2", n.Id);
    }

    [Fact]
    public void History_keeps_the_last_one_shot_operation_the_last_failure_and_each_monitor()
    {
        var s = TwoMembers();
        s.Apply(Result("node1", "monitor", 7, expected: 7));
        s.Apply(Result("node1", "start", 0));
        s.Apply(Result("node1", "monitor", 0, interval: TimeSpan.FromSeconds(10)));
        s.Apply(Result("node1", "monitor", 7, interval: TimeSpan.FromSeconds(10), failCount: 1));

        var ops = s.Current.Find("node1")!.FindResource("web")!.Operations;
        // In call order; the failure is the same call as the monitor result it copies.
        Assert.Equal(["web_last_0", "web_last_failure_0", "web_monitor_10000"], ops.Select(o => o.Id));
        Assert.Equal("start", ops[0].Operation);
        Assert.Equal(7, ops[2].RcCode);
        Assert.True(ops[0].CallId < ops[2].CallId);
        Assert.Equal(ops[1].CallId, ops[2].CallId);
        Assert.Equal(1, s.Current.Find("node1")!.FailCount("web").Value);
        Assert.Equal(T0.ToUnixTimeSeconds(), s.Current.Find("node1")!.LastFailure("web")!.Value.ToUnixTimeSeconds());

        // A successful stop ends the monitors; the failure stays on record (a later success outweighs it).
        s.Apply(Result("node1", "stop", 0));
        ops = s.Current.Find("node1")!.FindResource("web")!.Operations;
        Assert.Equal(["web_last_failure_0", "web_last_0"], ops.Select(o => o.Id));
    }

    [Fact]
    public void A_probe_finding_nothing_is_not_a_failure()
    {
        var s = TwoMembers();
        var probe = Result("node2", "monitor", 7, expected: 7);
        Assert.True(probe.IsExpected);
        Assert.False(probe.IsFailure);
        Assert.False(Result("node2", "monitor", 0, expected: 7).IsFailure);
        Assert.True(Result("node2", "monitor", 5, expected: 7).IsFailure);
        s.Apply(probe);
        Assert.DoesNotContain(s.Current.Find("node2")!.FindResource("web")!.Operations, o => o.Id == "web_last_failure_0");
    }

    [Fact]
    public void A_node_that_leaves_keeps_its_history_until_fenced_and_a_node_that_joins_starts_afresh()
    {
        var s = TwoMembers();
        s.Apply(Result("node2", "start", 0));
        s.Apply(Result("node2", "monitor", 7, interval: TimeSpan.FromSeconds(10), failCount: 1));

        s.ApplyMembership([Node1]);
        var gone = s.Current.Find("node2")!;
        Assert.False(gone.InMembership);
        Assert.Equal("member", gone.Expected);
        Assert.NotEmpty(gone.Resources);
        Assert.Equal(0, gone.FailCount("web").Value);

        s.Apply(new NodeFenced("node2", "reboot", T0));
        gone = s.Current.Find("node2")!;
        Assert.Equal("down", gone.Expected);
        Assert.Empty(gone.Resources);

        s.Apply(Result("node2", "start", 0));
        s.ApplyMembership([Node1, Node2]);
        Assert.Empty(s.Current.Find("node2")!.Resources);
        Assert.True(s.Current.Find("node2")!.InMembership);
    }

    [Fact]
    public void A_fenced_node_is_clean_for_the_scheduler_and_a_lost_one_is_not()
    {
        var config = ControllerCluster.GroupConfig(stonith: true) with
        {
            Nodes = [new Node("node1", 1, [], Attributes.Empty), new Node("node2", 2, [], Attributes.Empty)],
        };
        var s = TwoMembers();
        s.ApplyMembership([Node1]);
        var lost = Scheduler.Scheduler.Schedule(new SchedulerInput(config, s.Current, true, T0));
        Assert.Contains(lost.Actions, a => a.Kind == ActionKind.Fence && a.Node == "node2");

        s.Apply(new NodeFenced("node2", "reboot", T0));
        var fenced = Scheduler.Scheduler.Schedule(new SchedulerInput(config, s.Current, true, T0));
        Assert.DoesNotContain(fenced.Actions, a => a.Kind == ActionKind.Fence);
    }

    [Fact]
    public void Fail_counts_expire_after_the_failure_timeout_and_are_cleared_per_resource()
    {
        var config = ControllerCluster.GroupConfig(stonith: false);
        config = config with { Primitives = [.. config.Primitives.Select(p => p.Id == "web" ? p with { Meta = p.Meta.SetItem(MetaNames.FailureTimeout, "60s") } : p)] };
        var s = TwoMembers();
        s.Apply(Result("node1", "monitor", 7, interval: TimeSpan.FromSeconds(10), failCount: 1));
        s.Apply(Result("node1", "start", 1, failCount: Score.InfinityValue) with { ResourceId = "ip" });

        Assert.Equal(T0 + TimeSpan.FromSeconds(60), s.NextFailureExpiry(config));
        Assert.Empty(s.ExpiredFailures(config, T0 + TimeSpan.FromSeconds(59)));
        Assert.Equal([("node1", "web")], s.ExpiredFailures(config, T0 + TimeSpan.FromSeconds(60)));
        Assert.Equal(Score.InfinityValue, s.Current.Find("node1")!.FailCount("ip").Value);

        Assert.True(s.Apply(new FailCountsCleared("node1", "web", T0)));
        Assert.Equal(0, s.Current.Find("node1")!.FailCount("web").Value);
        Assert.Equal(Score.InfinityValue, s.Current.Find("node1")!.FailCount("ip").Value);
        Assert.False(s.Apply(new FailCountsCleared("node1", "web", T0)));
    }

    [Fact]
    public void Results_from_nodes_never_seen_are_ignored()
    {
        var s = TwoMembers();
        var version = s.Version;
        Assert.False(s.Apply(Result("node9", "start", 0)));
        Assert.Equal(version, s.Version);
        Assert.Null(s.Current.Find("node9"));
    }

    [Fact]
    public void A_snapshot_keeps_the_node_states_of_unchanged_nodes_and_rebuilds_changed_ones()
    {
        // The scheduler reads each node_state object's histories once (HistoryDigest): an unchanged node must be the
        // same object in the next snapshot, and a changed node a new one, or the scheduler would plan on stale history.
        var s = TwoMembers();
        s.Apply(Result("node1", "start", 0));
        s.Apply(Result("node2", "monitor", 7, expected: 7));
        var before = s.Current;

        s.Apply(Result("node1", "stop", 0));
        Assert.Same(before.Find("node2"), s.Current.Find("node2"));
        Assert.NotSame(before.Find("node1"), s.Current.Find("node1"));
        Assert.Equal("stop", s.Current.Find("node1")!.FindResource("web")!.Operations.Single().Operation);

        var afterStop = s.Current;
        s.ApplyAttributes("node2", Attributes.From([new("standby", "on")]));
        s.Apply(new ResourceCleanup(Guid.NewGuid(), "web", "node1", "admin", T0));
        Assert.Equal("on", s.Current.Find("node2")!.TransientAttributes.Get("standby"));
        Assert.Null(s.Current.Find("node1")!.FindResource("web"));
        Assert.NotSame(afterStop.Find("node2"), s.Current.Find("node2"));

        var afterCleanup = s.Current;
        s.Apply(new NodeLeaving("node2", T0));
        Assert.Same(afterCleanup.Find("node1"), s.Current.Find("node1"));
        Assert.Equal("down", s.Current.Find("node2")!.Expected);
    }
}
