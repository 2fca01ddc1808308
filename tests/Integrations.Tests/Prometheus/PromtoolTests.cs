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
    public void Promtool_accepts_the_whole_metrics_document_of_a_three_node_cluster_with_groups_clones_and_failures()
    {
        using var metrics = SampleSnapshots.EngineMetricsWithActivity(out var collector);
        using var _ = collector;
        using var text = new StringWriter();
        MetricsExposition.Write(SampleSnapshots.ThreeNodes(), collector, text);
        var exposition = text.ToString();
        Assert.Contains("haapi_operation_duration_seconds_bucket", exposition);

        var (exitCode, output) = Promtool.CheckMetrics(exposition);

        // 0 = clean, 3 = lint findings only; 1 would be a parse error.
        Assert.True(exitCode is 0 or 3, $"promtool failed ({exitCode}): {output}\n{exposition}");
        var findings = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(findings, f => Assert.Contains(f, ExporterCompatibilityLintFindings));
    }

    [Fact]
    public void Promtool_finds_nothing_to_lint_in_haapi_own_metrics()
    {
        using var metrics = SampleSnapshots.EngineMetricsWithActivity(out var collector);
        using var _ = collector;

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
