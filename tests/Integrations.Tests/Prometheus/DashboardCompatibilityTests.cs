using System.Text.Json;
using System.Text.RegularExpressions;

namespace HaApi.Integrations.Tests.Prometheus;

/// <summary>
/// Reads every PromQL expression of the two ClusterLabs Grafana dashboards (monitoring/dashboards/) and checks that
/// our exposition has series for each ha_cluster_* selector and its label matchers, with the labels the queries
/// group and join by, and a series with value 1 where a query compares "== 1".
/// </summary>
public partial class DashboardCompatibilityTests
{
    // Added by Prometheus at scrape time or by the queries' label_replace, not by the exporter.
    private static readonly HashSet<string> ScrapeLabels = ["job", "instance", "ip", "nodename"];

    private static readonly List<ParsedSample> Samples = ExpositionParser.Parse(SampleSnapshots.Render(SampleSnapshots.ThreeNodes()));

    public static TheoryData<string, string> Expressions()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(DashboardDirectory(), "*.json").Order())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var expr in FindQueries(doc.RootElement).Distinct())
                if (expr.Contains("ha_cluster_", StringComparison.Ordinal))
                    data.Add(Path.GetFileName(file), expr);
        }
        return data;
    }

    [Fact]
    public void Both_dashboards_are_present_and_query_ha_cluster_metrics()
    {
        var files = Expressions().Select(row => (string)row[0]).Distinct().ToList();
        Assert.Equal(["grafana-ha-cluster-details.json", "grafana-multi-cluster-overview.json"], files);
        Assert.True(Expressions().Count >= 20, "expected the dashboards' ha_cluster queries");
    }

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Every_dashboard_query_finds_its_series(string dashboard, string expr)
    {
        var groupingLabels = GroupingRegex().Matches(expr)
            .SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(l => !ScrapeLabels.Contains(l))
            .ToHashSet();

        foreach (Match selector in SelectorRegex().Matches(expr))
        {
            var metric = selector.Groups["name"].Value;
            var matchers = ParseMatchers(selector.Groups["labels"].Value).Where(m => !ScrapeLabels.Contains(m.Label)).ToList();
            var series = Samples.Where(s => s.Name == metric && matchers.All(m => m.Matches(s.Labels))).ToList();
            Assert.True(series.Count > 0, $"{dashboard}: no series for {selector.Value} in: {expr}");

            if (selector.Groups["eq1"].Success)
                Assert.True(series.Any(s => s.Value == 1), $"{dashboard}: no series of {selector.Value} has value 1");

            var metricLabels = series.SelectMany(s => s.Labels.Keys).ToHashSet();
            var missing = groupingLabels.Where(l => !metricLabels.Contains(l)).ToList();
            // Several metrics in one expression may be grouped by different labels; only the ones used must exist.
            if (SelectorRegex().Matches(expr).Count == 1)
                Assert.True(missing.Count == 0, $"{dashboard}: {metric} lacks labels {string.Join(",", missing)} used in: {expr}");
        }
    }

    private sealed record Matcher(string Label, string Op, string Value)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var actual = labels.TryGetValue(Label, out var v) ? v : "";
            return Op switch
            {
                "=" => actual == Value,
                "!=" => actual != Value,
                "=~" => Regex.IsMatch(actual, $"^(?:{Value})$"),
                "!~" => !Regex.IsMatch(actual, $"^(?:{Value})$"),
                _ => throw new InvalidOperationException(Op),
            };
        }
    }

    private static IEnumerable<Matcher> ParseMatchers(string text) =>
        MatcherRegex().Matches(text).Select(m => new Matcher(m.Groups["label"].Value, m.Groups["op"].Value, m.Groups["value"].Value));

    private static IEnumerable<string> FindQueries(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name is "expr" or "query" or "definition" && p.Value.ValueKind == JsonValueKind.String)
                    yield return p.Value.GetString()!;
                foreach (var q in FindQueries(p.Value)) yield return q;
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
                foreach (var q in FindQueries(item)) yield return q;
        }
    }

    private static string DashboardDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HaApi.sln"))) dir = dir.Parent;
        Assert.True(dir is not null, "HaApi.sln not found above the test binaries");
        return Path.Combine(dir!.FullName, "monitoring", "dashboards");
    }

    [GeneratedRegex(@"(?<name>ha_cluster_[a-z_]+)(?:\{(?<labels>[^}]*)\})?(?<eq1>\)?\s*==\s*1\b)?")]
    private static partial Regex SelectorRegex();

    [GeneratedRegex(@"(?<label>[a-zA-Z_]+)\s*(?<op>=~|!~|!=|=)\s*[""'](?<value>[^""']*)[""']")]
    private static partial Regex MatcherRegex();

    [GeneratedRegex(@"\b(?:by|on)\s*\(([^)]*)\)")]
    private static partial Regex GroupingRegex();
}
