using HaApi.Engine.Controller;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Scheduler;

namespace HaApi.Engine.Tests.Controller;

public sealed class FailoverTrackerTests
{
    private sealed class Recorder : IEventSink
    {
        public List<ClusterEvent> Events { get; } = [];
        public void Publish(ClusterEvent clusterEvent) => Events.Add(clusterEvent);
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ClusterStatus Status(params (string Name, bool Member)[] nodes) => new([.. nodes.Select((n, i) =>
        new HaApi.Engine.Model.NodeState($"{i + 1}", n.Name, n.Member, n.Member, n.Member ? "member" : "down", "member", Attributes.Empty, []))]);

    private static TransitionRecord Record(long id, TransitionOutcome outcome, params ResourceChange[] changes) =>
        new(id, new SchedulerInput(ClusterConfig.Empty, ClusterStatus.Empty, true, T0), new Transition([], [], [], [.. changes]), "test", outcome);

    private static ResourceChange Change(ChangeVerb verb, string rsc, string? from, string? to, bool blocked = false) =>
        new(verb, rsc, from, to, Role.Started, Role.Started, null, blocked);

    [Fact]
    public void A_lost_nodes_resources_moving_is_a_failover_that_succeeds_when_a_transition_completes()
    {
        var sink = new Recorder();
        var tracker = new FailoverTracker("node2", sink);
        var status = Status(("node1", false), ("node2", true));

        tracker.Observe(Record(1, TransitionOutcome.InProgress, Change(ChangeVerb.Move, "ip", "node1", "node2"), Change(ChangeVerb.Move, "web", "node1", "node2")), status, T0);
        tracker.Observe(Record(1, TransitionOutcome.Complete, Change(ChangeVerb.Move, "ip", "node1", "node2")), status, T0.AddMilliseconds(250));

        var started = Assert.IsType<FailoverStarted>(sink.Events[0]);
        Assert.Equal("node1", started.FailedNode);
        Assert.Equal(["ip", "web"], started.Resources);
        Assert.Equal(["ip node1 -> node2", "web node1 -> node2"],
            sink.Events.OfType<FailoverResourceMoved>().Select(m => $"{m.Resource} {m.From} -> {m.To}"));
        var done = Assert.IsType<FailoverCompleted>(sink.Events[^1]);
        Assert.True(done.Succeeded);
        Assert.Equal(TimeSpan.FromMilliseconds(250), done.Duration);
    }

    [Fact]
    public void An_operator_move_between_live_nodes_is_not_a_failover_and_an_unplaceable_resource_fails_it()
    {
        var sink = new Recorder();
        var tracker = new FailoverTracker("node2", sink);
        tracker.Observe(Record(1, TransitionOutcome.Complete, Change(ChangeVerb.Move, "ip", "node1", "node2")), Status(("node1", true), ("node2", true)), T0);
        Assert.Empty(sink.Events);

        var lost = Status(("node1", false), ("node2", true));
        tracker.Observe(Record(2, TransitionOutcome.InProgress, Change(ChangeVerb.Stop, "db", "node1", null)), lost, T0);
        tracker.Observe(Record(2, TransitionOutcome.Complete, Change(ChangeVerb.Stop, "db", "node1", null)), lost, T0.AddSeconds(1));
        Assert.Equal("db", Assert.IsType<FailoverResourceMoved>(sink.Events[1]).Resource);
        Assert.Null(((FailoverResourceMoved)sink.Events[1]).To);
        Assert.False(Assert.IsType<FailoverCompleted>(sink.Events[^1]).Succeeded);
    }

    [Fact]
    public void Without_fencing_a_start_of_what_a_lost_node_ran_is_a_failover_from_that_node()
    {
        var sink = new Recorder();
        var tracker = new FailoverTracker("node2", sink);
        var ran = new HaApi.Engine.Model.ResourceHistory("ip", "ocf", "heartbeat", "Dummy", [new OperationRecord("ip_last_0", "start", TimeSpan.Zero, 3, 0, 0, 0)]);
        var status = new ClusterStatus([
            new HaApi.Engine.Model.NodeState("1", "node1", false, false, "down", "member", Attributes.Empty, [ran]),
            new HaApi.Engine.Model.NodeState("2", "node2", true, true, "member", "member", Attributes.Empty, []),
        ]);
        tracker.Observe(Record(1, TransitionOutcome.Complete, Change(ChangeVerb.Start, "ip", null, "node2"), Change(ChangeVerb.Start, "new", null, "node2")), status, T0);

        Assert.Equal("node1", Assert.IsType<FailoverStarted>(sink.Events[0]).FailedNode);
        Assert.Equal(["ip node1 -> node2"], sink.Events.OfType<FailoverResourceMoved>().Select(m => $"{m.Resource} {m.From} -> {m.To}"));
        Assert.True(Assert.IsType<FailoverCompleted>(sink.Events[^1]).Succeeded);
    }

    [Fact]
    public void Transitions_repeated_while_fencing_is_retried_report_each_move_once_per_failover()
    {
        var sink = new Recorder();
        var tracker = new FailoverTracker("node2", sink);
        var lost = Status(("node1", false), ("node2", true), ("node3", true));

        tracker.Observe(Record(1, TransitionOutcome.Aborted, Change(ChangeVerb.Move, "ip", "node1", "node2")), lost, T0);
        tracker.Observe(Record(2, TransitionOutcome.Aborted, Change(ChangeVerb.Move, "ip", "node1", "node2")), lost, T0.AddSeconds(5));
        // The plan changes: that is news.
        tracker.Observe(Record(3, TransitionOutcome.InProgress, Change(ChangeVerb.Move, "ip", "node1", "node3")), lost, T0.AddSeconds(10));
        tracker.Observe(Record(3, TransitionOutcome.Complete, Change(ChangeVerb.Move, "ip", "node1", "node3")), lost, T0.AddSeconds(11));
        // A later fail-over of the same resource along the same path is reported again.
        tracker.Observe(Record(4, TransitionOutcome.Complete, Change(ChangeVerb.Move, "ip", "node1", "node2")), lost, T0.AddSeconds(60));

        Assert.Equal(["ip node1 -> node2", "ip node1 -> node3", "ip node1 -> node2"],
            sink.Events.OfType<FailoverResourceMoved>().Select(m => $"{m.Resource} {m.From} -> {m.To}"));
        Assert.Equal(2, sink.Events.OfType<FailoverStarted>().Count());
    }
}
