using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Integrations.Prometheus;

namespace HaApi.Integrations.Tests.Prometheus;

/// <summary>A realistic three-node cluster: a group, an anonymous clone, a promotable clone, failures, a ban.</summary>
internal static class SampleSnapshots
{
    public static ClusterSnapshot ThreeNodes() => new(
        LocalNode: "node1",
        Nodes:
        [
            new NodeState("node1", 1, ClusterNodeType.Member, Online: true, IsDc: true),
            new NodeState("node2", 2, ClusterNodeType.Member, Online: true),
            new NodeState("node3", 3, ClusterNodeType.Member, Online: true, Standby: true),
        ],
        Resources:
        [
            new ResourceState("ip_web", "ocf::heartbeat:IPaddr2", "Started", "node1", Active: true, GroupId: "grp_web"),
            new ResourceState("fs_web", "ocf::heartbeat:Filesystem", "Started", "node1", Active: true, GroupId: "grp_web"),
            new ResourceState("apache", "ocf::heartbeat:apache", "Started", "node1", Active: true, GroupId: "grp_web"),
            new ResourceState("ping", "ocf::pacemaker:ping", "Started", "node1", Active: true, CloneId: "cl_ping"),
            new ResourceState("ping", "ocf::pacemaker:ping", "Started", "node2", Active: true, CloneId: "cl_ping"),
            // Two stopped anonymous instances look identical: only one series may be written.
            new ResourceState("ping", "ocf::pacemaker:ping", "Stopped", null, CloneId: "cl_ping"),
            new ResourceState("ping", "ocf::pacemaker:ping", "Stopped", null, CloneId: "cl_ping"),
            new ResourceState("pgsql", "ocf::heartbeat:pgsql", "Promoted", "node1", Active: true, CloneId: "ms_pgsql"),
            new ResourceState("pgsql", "ocf::heartbeat:pgsql", "Unpromoted", "node2", Active: true, Failed: true, CloneId: "ms_pgsql"),
            new ResourceState("fence_node1", "stonith:fence_aws", "Started", "node2", Active: true),
            new ResourceState("batch", "ocf::heartbeat:Dummy", "Stopped", null, Managed: false, Blocked: true),
        ],
        History:
        [
            new ResourceHistory("node1", "apache", 0, 5000),
            new ResourceHistory("node2", "pgsql", 1_000_000, 3),
            new ResourceHistory("node2", "apache", 2, 5000),
        ],
        LocationConstraints:
        [
            new LocationConstraintState("cli-ban-grp_web-on-node2", "grp_web", "node2", -1_000_000, "Started"),
            new LocationConstraintState("loc-web-prefers-node1", "grp_web", "node1", 100),
            new LocationConstraintState("loc-pgsql-always", "ms_pgsql", "node1", 1_000_000),
            new LocationConstraintState("loc-ping-rule", "cl_ping", null, 0),
        ],
        NodeAttributes:
        [
            new NodeAttributeState("node1", "pingd", "1000"),
            new NodeAttributeState("node2", "pingd", "0"),
            new NodeAttributeState("node2", "note", "quote \" backslash \\ newline \n end"),
        ],
        StonithEnabled: true,
        MaintenanceMode: false,
        ConfigVersion: "0.42.7",
        ConfigLastChange: DateTimeOffset.FromUnixTimeSeconds(1_571_399_302),
        Quorum: new QuorumState(true, 3, 3, 3, 2,
        [
            new QuorumMember(1, "node1", 1, Local: true),
            new QuorumMember(2, "node2", 1, Local: false),
            new QuorumMember(3, "node3", 1, Local: false),
        ]),
        Rings:
        [
            new RingState("1.4a", 1, 0, "10.0.0.1", Healthy: true),
            new RingState("1.4a", 1, 1, "10.0.1.1", Healthy: false),
        ])
    {
        SbdDevices = [new SbdDeviceState("/dev/vdc", Healthy: true, 5, 10)],
    };

    /// <summary>HaApi's own instruments after some operations, a fencing, a fail-over and a configuration change.</summary>
    /// <remarks>A MeterListener sees only measurements made after it starts: the collector is created first.</remarks>
    public static EngineMetrics EngineMetricsWithActivity(out MeterCollector collector)
    {
        var hub = new EventHub();
        var metrics = new EngineMetrics(() => hub.DroppedTotal);
        collector = new MeterCollector(metrics.Meter);
        metrics.ObserveSink("pm_logconv", () => 0, () => 0);
        metrics.ObserveSink("alerts", () => 2, () => 1);
        var t = DateTimeOffset.UnixEpoch;
        metrics.Publish(new ResourceOperationCompleted(t, "node1", "node1", "ip_web", "ocf::heartbeat:IPaddr2", "start", TimeSpan.Zero, 0, 0, "Done", null, TimeSpan.FromMilliseconds(120)));
        metrics.Publish(new ResourceOperationCompleted(t, "node1", "node1", "ip_web", "ocf::heartbeat:IPaddr2", "monitor", TimeSpan.FromSeconds(10), 7, 0, "Done", null, TimeSpan.FromMilliseconds(30)));
        metrics.Publish(new FencingCompleted(t, "node1", "node2", "reboot", "fence_node2", true, null, TimeSpan.FromSeconds(7)));
        metrics.Publish(new FailoverCompleted(t, "node1", true, TimeSpan.FromSeconds(12)));
        metrics.Publish(new ConfigurationChanged(t, "node1", "0.12.3", "admin", "add resource"));
        metrics.TransitionExecuted();
        return metrics;
    }

    public static string Render(ClusterSnapshot snapshot)
    {
        using var text = new StringWriter();
        MetricsExposition.Write(snapshot, text);
        return text.ToString();
    }
}
