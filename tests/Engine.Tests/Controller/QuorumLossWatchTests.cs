using HaApi.Engine.Controller;
using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Controller;

public sealed class QuorumLossWatchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fires_once_after_the_allowed_time_without_quorum_while_holding_resources()
    {
        var watch = new QuorumLossWatch(TimeSpan.FromSeconds(30));
        Assert.False(watch.Observe(quorate: true, holdsResources: true, suicide: false, T0));
        Assert.False(watch.Observe(false, true, false, T0.AddSeconds(1)));
        Assert.False(watch.Observe(false, true, false, T0.AddSeconds(30.5)));
        Assert.True(watch.Observe(false, true, false, T0.AddSeconds(31)));
        Assert.False(watch.Observe(false, true, false, T0.AddSeconds(40)));

        // Quorum back, then lost again: a new episode.
        Assert.False(watch.Observe(true, true, false, T0.AddSeconds(50)));
        Assert.False(watch.Observe(false, true, false, T0.AddSeconds(60)));
        Assert.True(watch.Observe(false, true, false, T0.AddSeconds(90)));
    }

    [Fact]
    public void A_node_that_gave_its_resources_up_does_not_fence_itself_and_suicide_acts_at_once()
    {
        var stopped = new QuorumLossWatch(TimeSpan.FromSeconds(5));
        Assert.False(stopped.Observe(false, holdsResources: true, false, T0));
        Assert.False(stopped.Observe(false, holdsResources: false, false, T0.AddSeconds(10)));

        var suicide = new QuorumLossWatch(TimeSpan.FromSeconds(5));
        Assert.True(suicide.Observe(false, true, suicide: true, T0));
    }

    [Fact]
    public void Holding_resources_is_read_from_the_last_operation_of_each_resource()
    {
        ClusterStatus With(params OperationRecord[] last) => new([new NodeState("1", "node1", false, false, "down", "member", Attributes.Empty,
            [.. last.Select((o, i) => new ResourceHistory($"r{i}", "ocf", "heartbeat", "Dummy", [o]))])]);
        OperationRecord Last(string op, int rc, int status = 0) => new("r_last_0", op, TimeSpan.Zero, 3, rc, status, 0);

        Assert.True(QuorumLossWatch.HoldsResources(With(Last("start", 0)), "node1"));
        Assert.True(QuorumLossWatch.HoldsResources(With(Last("monitor", 0)), "node1")); // a probe found it running
        Assert.True(QuorumLossWatch.HoldsResources(With(Last("start", 193, OperationRecord.StatusPending)), "node1"));
        Assert.False(QuorumLossWatch.HoldsResources(With(Last("stop", 0), Last("monitor", 7)), "node1"));
        Assert.False(QuorumLossWatch.HoldsResources(With(Last("start", 1)), "node1"));
        Assert.False(QuorumLossWatch.HoldsResources(With(Last("start", 0)), "node2"));
    }
}
