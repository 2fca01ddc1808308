using System.Diagnostics;
using HaApi.Engine.Events;

namespace HaApi.Integrations.Prometheus;

/// <summary>
/// The ClusterLabs ha_cluster_exporter metrics (pacemaker, corosync, sbd and scrape collectors), with the same
/// names, HELP texts, label sets and value semantics, computed from a ClusterSnapshot instead of crm_mon and
/// corosync tools, so existing Grafana dashboards and alert rules keep working.
/// </summary>
public static class HaClusterMetrics
{
    // The exporter emits one series per possible status of every node / resource, 1 or 0: dashboards compute
    // ratios with count(...) over them, so a missing 0-series changes the result.
    private static readonly string[] NodeStatuses =
        ["online", "standby", "standby_onfail", "maintenance", "pending", "unclean", "shutdown", "expected_up", "dc"];

    private static readonly string[] ResourceStatuses = ["active", "orphaned", "blocked", "failed", "failure_ignored"];

    private const int Infinity = 1_000_000;

    public static void Write(ClusterSnapshot snapshot, PrometheusTextWriter writer)
    {
        var pacemakerTime = Stopwatch.StartNew();
        WritePacemaker(snapshot, writer);
        pacemakerTime.Stop();

        var corosyncTime = Stopwatch.StartNew();
        WriteCorosync(snapshot, writer);
        corosyncTime.Stop();

        var sbdTime = Stopwatch.StartNew();
        var haveSbd = !snapshot.SbdDevices.IsDefaultOrEmpty;
        if (haveSbd) WriteSbd(snapshot, writer);
        sbdTime.Stop();

        var collectors = new List<(string Name, TimeSpan Duration)>
        {
            ("pacemaker", pacemakerTime.Elapsed),
            ("corosync", corosyncTime.Elapsed),
        };
        if (haveSbd) collectors.Add(("sbd", sbdTime.Elapsed));

        writer.BeginFamily("ha_cluster_scrape_duration_seconds", MetricType.Gauge, "Duration of a collector scrape.");
        foreach (var (name, duration) in collectors) writer.Sample(duration.TotalSeconds, ("collector", name));
        writer.BeginFamily("ha_cluster_scrape_success", MetricType.Gauge, "Whether a collector succeeded.");
        foreach (var (name, _) in collectors) writer.Sample(1, ("collector", name));
    }

    private static void WritePacemaker(ClusterSnapshot s, PrometheusTextWriter w)
    {
        w.BeginFamily("ha_cluster_pacemaker_nodes", MetricType.Gauge,
            "The status of each node in the cluster; 1 means the node is in that status, 0 otherwise");
        foreach (var node in s.Nodes)
        {
            bool[] flags = [node.Online, node.Standby, node.StandbyOnFail, node.Maintenance, node.Pending, node.Unclean,
                node.Shutdown, node.ExpectedUp, node.IsDc];
            for (var i = 0; i < NodeStatuses.Length; i++)
                w.Sample(flags[i] ? 1 : 0, ("node", node.Name), ("status", NodeStatuses[i]), ("type", NodeTypeName(node.Type)));
        }

        w.BeginFamily("ha_cluster_pacemaker_node_attributes", MetricType.Gauge,
            "Metadata attributes of each node; value is always 1");
        foreach (var a in s.NodeAttributes)
            w.Sample(1, ("name", a.Name), ("node", a.Node), ("value", a.Value));

        w.BeginFamily("ha_cluster_pacemaker_resources", MetricType.Gauge,
            "The status of each resource in the cluster; 1 means the resource is in that status, 0 otherwise");
        foreach (var r in s.Resources)
        {
            bool[] flags = [r.Active, r.Orphaned, r.Blocked, r.Failed, r.FailureIgnored];
            for (var i = 0; i < ResourceStatuses.Length; i++)
            {
                // Anonymous clone instances share an id; the writer drops the repeated stopped ones (exporter issue #193).
                w.Sample(flags[i] ? 1 : 0,
                    ("agent", r.Agent), ("clone", r.CloneId ?? ""), ("group", r.GroupId ?? ""),
                    ("managed", r.Managed ? "true" : "false"), ("node", r.Node ?? ""), ("resource", r.Id),
                    ("role", r.Role.ToLowerInvariant()), ("status", ResourceStatuses[i]));
            }
        }

        w.BeginFamily("ha_cluster_pacemaker_stonith_enabled", MetricType.Gauge, "Whether or not stonith is enabled");
        w.Sample(s.StonithEnabled ? 1 : 0);

        w.BeginFamily("ha_cluster_pacemaker_maintenance_mode_enabled", MetricType.Gauge,
            "Whether or not cluster wide maintenance-mode is enabled");
        w.Sample(s.MaintenanceMode ? 1 : 0);

        w.BeginFamily("ha_cluster_pacemaker_fail_count", MetricType.Gauge, "The Fail count number per node and resource id");
        foreach (var h in s.History)
            w.Sample(h.FailCount >= Infinity ? double.PositiveInfinity : h.FailCount, ("node", h.Node), ("resource", h.Resource));

        w.BeginFamily("ha_cluster_pacemaker_migration_threshold", MetricType.Gauge,
            "The migration_threshold number per node and resource id");
        foreach (var h in s.History)
            w.Sample(h.MigrationThreshold, ("node", h.Node), ("resource", h.Resource));

        // A counter holding a Unix timestamp, as the exporter declares it (dashboards multiply it by 1000).
        w.BeginFamily("ha_cluster_pacemaker_config_last_change", MetricType.Counter,
            "The timestamp of the last change of the cluster configuration");
        w.Sample(s.ConfigLastChange.ToUnixTimeSeconds());

        w.BeginFamily("ha_cluster_pacemaker_location_constraints", MetricType.Gauge,
            "Resource location constraints. The value indicates the score.");
        foreach (var c in s.LocationConstraints)
        {
            var score = c.Score >= Infinity ? double.PositiveInfinity : c.Score <= -Infinity ? double.NegativeInfinity : c.Score;
            w.Sample(score, ("constraint", c.Id), ("node", c.Node ?? ""), ("resource", c.Resource), ("role", (c.Role ?? "").ToLowerInvariant()));
        }
    }

    private static void WriteCorosync(ClusterSnapshot s, PrometheusTextWriter w)
    {
        var q = s.Quorum;
        w.BeginFamily("ha_cluster_corosync_quorate", MetricType.Gauge, "Whether or not the cluster is quorate");
        w.Sample(q.Quorate ? 1 : 0);

        w.BeginFamily("ha_cluster_corosync_rings", MetricType.Gauge,
            "The status of each Corosync ring; 1 means healthy, 0 means faulty.");
        foreach (var r in s.Rings)
            w.Sample(r.Healthy ? 1 : 0, ("address", r.Address), ("node_id", r.NodeId.ToString()), ("number", r.Number.ToString()), ("ring_id", r.RingId));

        w.BeginFamily("ha_cluster_corosync_ring_errors", MetricType.Gauge, "The total number of faulty corosync rings");
        w.Sample(s.Rings.Count(r => !r.Healthy));

        w.BeginFamily("ha_cluster_corosync_member_votes", MetricType.Gauge,
            "How many votes each member node has contributed with to the current quorum");
        foreach (var m in q.Members)
            w.Sample(m.Votes, ("local", m.Local ? "true" : "false"), ("node", m.Name), ("node_id", m.NodeId.ToString()));

        w.BeginFamily("ha_cluster_corosync_quorum_votes", MetricType.Gauge, "Cluster quorum votes; one line per type");
        w.Sample(q.ExpectedVotes, ("type", "expected_votes"));
        w.Sample(q.HighestExpected, ("type", "highest_expected"));
        w.Sample(q.TotalVotes, ("type", "total_votes"));
        w.Sample(q.Quorum, ("type", "quorum"));
    }

    private static void WriteSbd(ClusterSnapshot s, PrometheusTextWriter w)
    {
        w.BeginFamily("ha_cluster_sbd_devices", MetricType.Gauge, "SBD devices; one line per device");
        foreach (var d in s.SbdDevices)
            w.Sample(1, ("device", d.Device), ("status", d.Healthy ? "healthy" : "unhealthy"));

        w.BeginFamily("ha_cluster_sbd_timeouts", MetricType.Gauge, "SBD timeouts for each device and type");
        foreach (var d in s.SbdDevices)
        {
            w.Sample(d.WatchdogTimeoutSeconds, ("device", d.Device), ("type", "watchdog"));
            w.Sample(d.MsgwaitTimeoutSeconds, ("device", d.Device), ("type", "msgwait"));
        }
    }

    private static string NodeTypeName(ClusterNodeType type) => type switch
    {
        ClusterNodeType.Remote => "remote",
        ClusterNodeType.Ping => "ping",
        _ => "member",
    };
}
