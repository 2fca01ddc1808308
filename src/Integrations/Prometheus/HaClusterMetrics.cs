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

    public static void Write(ClusterSnapshot snapshot, PrometheusTextWriter writer) => Write(snapshot, writer, null);

    /// <summary>
    /// With a cache, the collectors' families of a snapshot already rendered are written again as they are; the
    /// scrape durations then measure this scrape's work, as they would for the exporter.
    /// </summary>
    public static void Write(ClusterSnapshot snapshot, PrometheusTextWriter writer, HaClusterMetricsCache? cache)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(writer);
        var cached = cache?.Find(snapshot);
        var keep = cache is not null && cached is null;
        var pacemaker = Collect(snapshot, writer, WritePacemaker, cached?.Pacemaker, keep, out var pacemakerTime);
        var corosync = Collect(snapshot, writer, WriteCorosync, cached?.Corosync, keep, out var corosyncTime);
        var haveSbd = !snapshot.SbdDevices.IsDefaultOrEmpty;
        var sbdTime = TimeSpan.Zero;
        var sbd = haveSbd ? Collect(snapshot, writer, WriteSbd, cached?.Sbd, keep, out sbdTime) : null;
        if (keep) cache!.Keep(new HaClusterMetricsCache.Collectors(snapshot, pacemaker!, corosync!, sbd));

        writer.BeginFamily("ha_cluster_scrape_duration_seconds", MetricType.Gauge, "Duration of a collector scrape.");
        writer.Sample(pacemakerTime.TotalSeconds, ("collector", "pacemaker"));
        writer.Sample(corosyncTime.TotalSeconds, ("collector", "corosync"));
        if (haveSbd) writer.Sample(sbdTime.TotalSeconds, ("collector", "sbd"));
        writer.BeginFamily("ha_cluster_scrape_success", MetricType.Gauge, "Whether a collector succeeded.");
        writer.Sample(1, ("collector", "pacemaker"));
        writer.Sample(1, ("collector", "corosync"));
        if (haveSbd) writer.Sample(1, ("collector", "sbd"));
    }

    /// <summary>One collector's families: written again from the cache, rendered to keep, or written directly.</summary>
    private static RenderedFamilies? Collect(ClusterSnapshot snapshot, PrometheusTextWriter writer,
        Action<ClusterSnapshot, PrometheusTextWriter> collector, RenderedFamilies? cached, bool keep, out TimeSpan elapsed)
    {
        var start = Stopwatch.GetTimestamp();
        var rendered = cached ?? (keep ? PrometheusTextWriter.Render(w => collector(snapshot, w)) : null);
        if (rendered is not null) writer.Write(rendered);
        else collector(snapshot, writer);
        elapsed = Stopwatch.GetElapsedTime(start);
        return rendered;
    }

    private static void WritePacemaker(ClusterSnapshot s, PrometheusTextWriter w)
    {
        w.BeginFamily("ha_cluster_pacemaker_nodes", MetricType.Gauge,
            "The status of each node in the cluster; 1 means the node is in that status, 0 otherwise");
        foreach (var node in s.Nodes)
        {
            // A span target keeps the flags on the stack: no array per node.
            ReadOnlySpan<bool> nodeFlags = [node.Online, node.Standby, node.StandbyOnFail, node.Maintenance, node.Pending,
                node.Unclean, node.Shutdown, node.ExpectedUp, node.IsDc];
            for (var i = 0; i < NodeStatuses.Length; i++)
                w.Sample(nodeFlags[i] ? 1 : 0, ("node", node.Name), ("status", NodeStatuses[i]), ("type", NodeTypeName(node.Type)));
        }

        w.BeginFamily("ha_cluster_pacemaker_node_attributes", MetricType.Gauge,
            "Metadata attributes of each node; value is always 1");
        foreach (var a in s.NodeAttributes)
            w.Sample(1, ("name", a.Name), ("node", a.Node), ("value", a.Value));

        w.BeginFamily("ha_cluster_pacemaker_resources", MetricType.Gauge,
            "The status of each resource in the cluster; 1 means the resource is in that status, 0 otherwise");
        foreach (var r in s.Resources)
        {
            ReadOnlySpan<bool> resourceFlags = [r.Active, r.Orphaned, r.Blocked, r.Failed, r.FailureIgnored];
            var role = RoleLabel(r.Role);
            for (var i = 0; i < ResourceStatuses.Length; i++)
            {
                // Anonymous clone instances share an id; the writer drops the repeated stopped ones (exporter issue #193).
                w.Sample(resourceFlags[i] ? 1 : 0,
                    ("agent", r.Agent), ("clone", r.CloneId ?? ""), ("group", r.GroupId ?? ""),
                    ("managed", r.Managed ? "true" : "false"), ("node", r.Node ?? ""), ("resource", r.Id),
                    ("role", role), ("status", ResourceStatuses[i]));
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

    // The roles crm_mon names map to constants; only an unexpected one costs a new string.
    private static string RoleLabel(string role) => role switch
    {
        "Started" => "started",
        "Stopped" => "stopped",
        "Promoted" => "promoted",
        "Unpromoted" => "unpromoted",
        _ => role.ToLowerInvariant(),
    };

    private static string NodeTypeName(ClusterNodeType type) => type switch
    {
        ClusterNodeType.Remote => "remote",
        ClusterNodeType.Ping => "ping",
        _ => "member",
    };
}
