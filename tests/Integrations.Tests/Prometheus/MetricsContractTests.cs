using System.Text;
using System.Text.RegularExpressions;
using HaApi.Integrations.Prometheus;

namespace HaApi.Integrations.Tests.Prometheus;

/// <summary>
/// The metric names, types and HELP texts are a contract reviewed as a diff: monitoring/metrics.txt lists every
/// family of the /metrics document. A change here fails until that file is updated
/// (HAAPI_UPDATE_CONTRACTS=1 dotnet test ... rewrites it).
/// </summary>
public partial class MetricsContractTests
{
    [Fact]
    public void The_metric_families_match_the_committed_contract()
    {
        using var metrics = SampleSnapshots.EngineMetricsWithActivity(out var collector);
        using var _ = collector;
        using var text = new StringWriter();
        MetricsExposition.Write(SampleSnapshots.ThreeNodes(), collector, text);

        var contract = new StringBuilder("# Metric families served on /metrics: name, type, HELP. Checked by MetricsContractTests.\n");
        string? help = null;
        foreach (var line in text.ToString().Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal)) help = line["# HELP ".Length..];
            else if (TypeLine().Match(line) is { Success: true } m)
                contract.Append(m.Groups[1].Value).Append(' ').Append(m.Groups[2].Value).Append(" - ").Append(help![(m.Groups[1].Length + 1)..]).Append('\n');
        }

        var path = Path.Combine(RepoRoot(), "monitoring", "metrics.txt");
        if (Environment.GetEnvironmentVariable("HAAPI_UPDATE_CONTRACTS") == "1") File.WriteAllText(path, contract.ToString());
        Assert.True(File.Exists(path), $"{path} is missing; run with HAAPI_UPDATE_CONTRACTS=1 to create it.");
        Assert.Equal(File.ReadAllText(path), contract.ToString());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HaApi.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HaApi.sln not found above the test binaries");
    }

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$")]
    private static partial Regex TypeLine();
}
