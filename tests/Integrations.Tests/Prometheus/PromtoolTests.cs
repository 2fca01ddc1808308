using HaApi.Engine.Events;
using HaApi.Integrations.Prometheus;

namespace HaApi.Integrations.Tests.Prometheus;

public class PromtoolTests
{
    // ha_cluster_exporter's own names break two promtool lint rules; dashboards and alert rules depend on the names,
    // so compatibility wins. Anything else promtool reports is a defect.
    private static readonly HashSet<string> ExporterCompatibilityLintFindings =
    [
        "ha_cluster_pacemaker_fail_count non-histogram and non-summary metrics should not have \"_count\" suffix",
        "ha_cluster_pacemaker_config_last_change counter metrics should have \"_total\" suffix",
    ];

    [Fact]
    public void Promtool_accepts_the_cluster_metrics_of_a_three_node_cluster_with_groups_clones_and_failures()
    {
        var exposition = SampleSnapshots.Render(SampleSnapshots.ThreeNodes());

        var (exitCode, output) = Promtool.CheckMetrics(exposition);

        // 0 = clean, 3 = lint findings only; 1 would be a parse error.
        Assert.True(exitCode is 0 or 3, $"promtool failed ({exitCode}): {output}\n{exposition}");
        var findings = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(findings, f => Assert.Contains(f, ExporterCompatibilityLintFindings));
    }

    [Fact]
    public void Promtool_finds_nothing_to_lint_in_haapi_own_metrics()
    {
        var hub = new EventHub();
        using var metrics = new EngineMetrics(() => hub.DroppedTotal);
        using var collector = new MeterCollector(metrics.Meter);
        var t = DateTimeOffset.UnixEpoch;
        metrics.Publish(new ResourceOperationCompleted(t, "n1", "n1", "ip", "ocf::heartbeat:IPaddr2", "start", TimeSpan.Zero, 0, 0, "Done", null, TimeSpan.FromMilliseconds(120)));
        metrics.Publish(new ResourceOperationCompleted(t, "n1", "n1", "ip", "ocf::heartbeat:IPaddr2", "monitor", TimeSpan.FromSeconds(10), 7, 0, "Done", null, TimeSpan.FromMilliseconds(30)));
        metrics.Publish(new FencingCompleted(t, "n1", "n2", "reboot", "fence_n2", true, null, TimeSpan.FromSeconds(7)));
        metrics.Publish(new FailoverCompleted(t, "n1", true, TimeSpan.FromSeconds(12)));
        metrics.Publish(new ConfigurationChanged(t, "n1", "0.12.3", "admin", "add resource"));
        metrics.TransitionExecuted();

        using var text = new StringWriter();
        MetricsExposition.Write(null, collector, text);

        var (exitCode, output) = Promtool.CheckMetrics(text.ToString());
        Assert.True(exitCode == 0, $"promtool reported ({exitCode}): {output}\n{text}");
        Assert.Contains("haapi_failover_duration_seconds_bucket{result=\"succeeded\",le=\"15\"} 1", text.ToString());
    }

    [Fact]
    public void Promtool_rejects_a_broken_exposition_so_the_check_above_can_fail()
    {
        var (exitCode, _) = Promtool.CheckMetrics("# TYPE x counter\nx{a=\"unterminated} 1\n");
        Assert.NotEqual(0, exitCode);
        Assert.NotEqual(3, exitCode);
    }
}
