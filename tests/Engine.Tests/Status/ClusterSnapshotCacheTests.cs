using System.Collections.Immutable;
using HaApi.Engine.Cluster;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Engine.Status;
using static HaApi.Engine.Tests.Status.StatusFixture;
using ClusterStatus = HaApi.Engine.Model.ClusterStatus;
using ResourceHistory = HaApi.Engine.Model.ResourceHistory;

namespace HaApi.Engine.Tests.Status;

/// <summary>The monitoring snapshot is reused only while nothing it shows can have changed.</summary>
public sealed class ClusterSnapshotCacheTests
{
    private static readonly GroupMember Node1 = new(1, 100, "node1");
    private static readonly GroupMember Node2 = new(2, 200, "node2");

    private static ConfigurationReplica.Snapshot Replica(ClusterConfig config, params GroupMember[] members) =>
        ConfigurationReplica.Snapshot.Initial with { Config = config, Quorate = true, Members = [.. members], Synced = true, Dc = "node1" };

    private static ClusterConfig TwoNodes(params Primitive[] primitives) => Configuration([Node("node1", 1), Node("node2", 2)], primitives);

    private static ResourceState Instance(ClusterSnapshot snapshot, string id) => Assert.Single(snapshot.Resources, r => r.Id == id);

    [Fact]
    public void Unchanged_inputs_give_the_same_snapshot_instance_so_its_rendering_can_be_reused()
    {
        var cache = new ClusterSnapshotCache();
        var replica = Replica(TwoNodes(Primitive("web")), Node1, Node2);
        var status = new ClusterStatus([Member("node1", "1", [Running("web")]), Member("node2", "2", [NotRunning("web")])]);

        var first = cache.Get(replica, Node1, status, Now);

        Assert.Same(first, cache.Get(replica, Node1, status, Now.AddMinutes(5)));
        Assert.Equal(new ResourceState("web", "ocf::heartbeat:IPaddr2", "Started", "node1", Active: true), Instance(first, "web"));
    }

    [Fact]
    public void A_configuration_change_shows_in_the_next_snapshot()
    {
        var cache = new ClusterSnapshotCache();
        var status = new ClusterStatus([Member("node1", "1", [Running("web")]), Member("node2", "2", [])]);
        var before = cache.Get(Replica(TwoNodes(Primitive("web")), Node1, Node2), Node1, status, Now);
        Assert.DoesNotContain(before.Resources, r => r.Id == "db");

        var after = cache.Get(Replica(TwoNodes(Primitive("web"), Primitive("db")), Node1, Node2), Node1, status, Now);

        Assert.Equal("Stopped", Instance(after, "db").Role);
        Assert.Equal("Started", Instance(after, "web").Role);
    }

    [Fact]
    public void A_status_change_shows_in_the_next_snapshot()
    {
        var cache = new ClusterSnapshotCache();
        var replica = Replica(TwoNodes(Primitive("web")), Node1, Node2);
        var stopped = cache.Get(replica, Node1, new ClusterStatus([Member("node1", "1", [NotRunning("web")]), Member("node2", "2", [])]), Now);
        Assert.Equal("Stopped", Instance(stopped, "web").Role);

        var started = cache.Get(replica, Node1, new ClusterStatus([Member("node1", "1", [NotRunning("web")]), Member("node2", "2", [Running("web", 2)])]), Now);

        Assert.Equal(new ResourceState("web", "ocf::heartbeat:IPaddr2", "Started", "node2", Active: true), Instance(started, "web"));
    }

    [Fact]
    public void A_membership_change_shows_in_the_next_snapshot()
    {
        var cache = new ClusterSnapshotCache();
        var config = TwoNodes(Primitive("web"));
        var status = new ClusterStatus([Member("node1", "1", [Running("web")]), Member("node2", "2", [])]);
        var both = cache.Get(Replica(config, Node1, Node2), Node1, status, Now);
        Assert.True(Assert.Single(both.Nodes, n => n.Name == "node2").Online);

        var alone = cache.Get(Replica(config, Node1), Node1, status, Now);

        Assert.False(Assert.Single(alone.Nodes, n => n.Name == "node2").Online);
        Assert.Equal(["node1"], alone.Quorum.Members.Select(m => m.Name));
    }

    [Fact]
    public void A_failure_that_expires_with_time_alone_shows_as_expired_from_the_first_instant_it_is()
    {
        // A failed monitor and no fail count: Pacemaker ignores the failure once it is failure-timeout old, at
        // exactly last-rc-change + failure-timeout (crm_simulate -t), though neither configuration nor status changed.
        var failedAt = Now.AddSeconds(-30);
        var web = new ResourceHistory("web", "ocf", "heartbeat", "IPaddr2", [
            new OperationRecord("web_last_0", "start", TimeSpan.Zero, 1, 0, 0, 0, Now.AddMinutes(-10)),
            new OperationRecord("web_monitor_10000", "monitor", TimeSpan.FromSeconds(10), 2, 1, 0, 0, failedAt),
            new OperationRecord("web_last_failure_0", "monitor", TimeSpan.FromSeconds(10), 2, 1, 0, 0, failedAt)]);
        var replica = Replica(TwoNodes(Primitive("web", "IPaddr2", (MetaNames.FailureTimeout, "60s"))), Node1, Node2);
        var status = new ClusterStatus([Member("node1", "1", [web]), Member("node2", "2", [NotRunning("web")])]);
        var cache = new ClusterSnapshotCache();
        var expiry = failedAt.AddSeconds(60);

        Assert.True(Instance(cache.Get(replica, Node1, status, Now), "web").Failed);
        Assert.True(Instance(cache.Get(replica, Node1, status, expiry.AddTicks(-1)), "web").Failed);
        Assert.False(Instance(cache.Get(replica, Node1, status, expiry), "web").Failed);
        // What a fresh cache computes at each instant is what the reused one answered.
        Assert.True(Instance(new ClusterSnapshotCache().Get(replica, Node1, status, expiry.AddTicks(-1)), "web").Failed);
        Assert.False(Instance(new ClusterSnapshotCache().Get(replica, Node1, status, expiry), "web").Failed);
    }

    [Fact]
    public void A_clock_set_back_recomputes_rather_than_trusting_an_expiry_already_applied()
    {
        var failedAt = Now.AddSeconds(-30);
        var web = new ResourceHistory("web", "ocf", "heartbeat", "IPaddr2", [
            new OperationRecord("web_last_0", "start", TimeSpan.Zero, 1, 0, 0, 0, Now.AddMinutes(-10)),
            new OperationRecord("web_monitor_10000", "monitor", TimeSpan.FromSeconds(10), 2, 1, 0, 0, failedAt)]);
        var replica = Replica(TwoNodes(Primitive("web", "IPaddr2", (MetaNames.FailureTimeout, "60s"))), Node1, Node2);
        var status = new ClusterStatus([Member("node1", "1", [web]), Member("node2", "2", [])]);
        var cache = new ClusterSnapshotCache();

        Assert.False(Instance(cache.Get(replica, Node1, status, Now.AddMinutes(5)), "web").Failed);

        Assert.True(Instance(cache.Get(replica, Node1, status, Now), "web").Failed);
    }
}
