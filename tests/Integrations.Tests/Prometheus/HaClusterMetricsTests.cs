namespace HaApi.Integrations.Tests.Prometheus;

public class HaClusterMetricsTests
{
    private static readonly string Exposition = SampleSnapshots.Render(SampleSnapshots.ThreeNodes());
    private static readonly List<ParsedSample> Samples = ExpositionParser.Parse(Exposition);

    private static List<ParsedSample> Series(string name, params (string Label, string Value)[] match) =>
        Samples.Where(s => s.Name == name && match.All(m => s.Labels.TryGetValue(m.Label, out var v) && v == m.Value)).ToList();

    private static double Value(string name, params (string Label, string Value)[] match) => Assert.Single(Series(name, match)).Value;

    [Fact]
    public void Every_node_has_one_series_per_status_with_the_dc_flagged()
    {
        var nodes = Series("ha_cluster_pacemaker_nodes");
        Assert.Equal(27, nodes.Count);
        Assert.All(nodes, s => Assert.Equal(["node", "status", "type"], s.Labels.Keys.Order()));
        Assert.Equal(1, Value("ha_cluster_pacemaker_nodes", ("node", "node1"), ("status", "dc")));
        Assert.Equal(0, Value("ha_cluster_pacemaker_nodes", ("node", "node2"), ("status", "dc")));
        Assert.Equal(1, Value("ha_cluster_pacemaker_nodes", ("node", "node3"), ("status", "standby")));
        Assert.Equal("member", nodes[0].Labels["type"]);
    }

    [Fact]
    public void Resources_carry_group_clone_agent_and_lower_case_role_with_five_statuses_each()
    {
        Assert.Equal(1, Value("ha_cluster_pacemaker_resources", ("resource", "fs_web"), ("status", "active"), ("group", "grp_web"), ("clone", ""), ("node", "node1"), ("role", "started"), ("agent", "ocf::heartbeat:Filesystem"), ("managed", "true")));
        Assert.Equal(1, Value("ha_cluster_pacemaker_resources", ("resource", "pgsql"), ("node", "node1"), ("role", "promoted"), ("status", "active"), ("clone", "ms_pgsql")));
        Assert.Equal(1, Value("ha_cluster_pacemaker_resources", ("resource", "pgsql"), ("node", "node2"), ("status", "failed")));
        Assert.Equal(1, Value("ha_cluster_pacemaker_resources", ("resource", "batch"), ("status", "blocked"), ("managed", "false"), ("node", "")));
        Assert.Equal(0, Value("ha_cluster_pacemaker_resources", ("resource", "batch"), ("status", "active"), ("role", "stopped")));
        // 11 instances, two of them identical stopped clone instances written once: 10 * 5 series.
        Assert.Equal(50, Series("ha_cluster_pacemaker_resources").Count);
    }

    [Fact]
    public void Infinite_fail_counts_and_scores_are_infinities_and_migration_thresholds_are_plain()
    {
        Assert.Equal(double.PositiveInfinity, Value("ha_cluster_pacemaker_fail_count", ("node", "node2"), ("resource", "pgsql")));
        Assert.Equal(2, Value("ha_cluster_pacemaker_fail_count", ("node", "node2"), ("resource", "apache")));
        Assert.Equal(3, Value("ha_cluster_pacemaker_migration_threshold", ("node", "node2"), ("resource", "pgsql")));
        Assert.Equal(double.NegativeInfinity, Value("ha_cluster_pacemaker_location_constraints", ("constraint", "cli-ban-grp_web-on-node2"), ("role", "started")));
        Assert.Equal(double.PositiveInfinity, Value("ha_cluster_pacemaker_location_constraints", ("constraint", "loc-pgsql-always")));
        Assert.Equal(100, Value("ha_cluster_pacemaker_location_constraints", ("constraint", "loc-web-prefers-node1"), ("node", "node1"), ("resource", "grp_web"), ("role", "")));
        Assert.Equal(0, Value("ha_cluster_pacemaker_location_constraints", ("constraint", "loc-ping-rule"), ("node", "")));
    }

    [Fact]
    public void Cluster_options_and_last_change_are_exported_with_the_exporter_types()
    {
        Assert.Equal(1, Value("ha_cluster_pacemaker_stonith_enabled"));
        Assert.Equal(0, Value("ha_cluster_pacemaker_maintenance_mode_enabled"));
        Assert.Equal(1571399302, Value("ha_cluster_pacemaker_config_last_change"));
        Assert.Contains("# TYPE ha_cluster_pacemaker_config_last_change counter\n", Exposition);
        Assert.Contains("# HELP ha_cluster_pacemaker_nodes The status of each node in the cluster; 1 means the node is in that status, 0 otherwise\n", Exposition);
    }

    [Fact]
    public void Corosync_quorum_members_and_rings_match_quorumtool_and_cfgtool_semantics()
    {
        Assert.Equal(1, Value("ha_cluster_corosync_quorate"));
        Assert.Equal(3, Value("ha_cluster_corosync_quorum_votes", ("type", "expected_votes")));
        Assert.Equal(3, Value("ha_cluster_corosync_quorum_votes", ("type", "highest_expected")));
        Assert.Equal(3, Value("ha_cluster_corosync_quorum_votes", ("type", "total_votes")));
        Assert.Equal(2, Value("ha_cluster_corosync_quorum_votes", ("type", "quorum")));
        Assert.Equal(1, Value("ha_cluster_corosync_member_votes", ("node", "node1"), ("node_id", "1"), ("local", "true")));
        Assert.Equal(0, Value("ha_cluster_corosync_rings", ("number", "1"), ("address", "10.0.1.1"), ("ring_id", "1.4a"), ("node_id", "1")));
        Assert.Equal(1, Value("ha_cluster_corosync_ring_errors"));
    }

    [Fact]
    public void Node_attributes_round_trip_through_label_escaping()
    {
        Assert.Equal(1, Value("ha_cluster_pacemaker_node_attributes", ("node", "node2"), ("name", "note"), ("value", "quote \" backslash \\ newline \n end")));
    }

    [Fact]
    public void Scrape_success_is_reported_per_collector()
    {
        Assert.Equal(["corosync", "pacemaker", "sbd"], Series("ha_cluster_scrape_success").Select(s => s.Labels["collector"]).Order());
        Assert.All(Series("ha_cluster_scrape_duration_seconds"), s => Assert.InRange(s.Value, 0, 1));
        Assert.Equal(1, Value("ha_cluster_sbd_devices", ("device", "/dev/vdc"), ("status", "healthy")));
        Assert.Equal(10, Value("ha_cluster_sbd_timeouts", ("device", "/dev/vdc"), ("type", "msgwait")));
    }

    [Fact]
    public void No_sbd_metrics_without_sbd_devices()
    {
        var samples = ExpositionParser.Parse(SampleSnapshots.Render(SampleSnapshots.ThreeNodes() with { SbdDevices = [] }));
        Assert.DoesNotContain(samples, s => s.Name.StartsWith("ha_cluster_sbd_", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, s => s.Labels.TryGetValue("collector", out var c) && c == "sbd");
    }
}
