using System.Buffers;
using System.Text;
using HaApi.Engine.Events;
using HaApi.Integrations.Prometheus;

namespace HaApi.Integrations.Tests.Prometheus;

/// <summary>
/// A scrape of a snapshot already rendered writes the same document as rendering it afresh (only the measured
/// scrape durations differ), and a different snapshot is never answered from the cache.
/// </summary>
public class HaClusterMetricsCacheTests
{
    private static string Scrape(ClusterSnapshot snapshot, HaClusterMetricsCache? cache)
    {
        var bytes = new ArrayBufferWriter<byte>();
        MetricsExposition.Write(snapshot, null, bytes, cache);
        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    private static string WithoutDurations(string exposition) =>
        string.Join('\n', exposition.Split('\n').Where(l => !l.StartsWith("ha_cluster_scrape_duration_seconds{", StringComparison.Ordinal)));

    [Fact]
    public void A_repeated_scrape_of_the_same_snapshot_is_the_document_rendered_afresh()
    {
        var cache = new HaClusterMetricsCache();
        var snapshot = SampleSnapshots.ThreeNodes();
        var fresh = SampleSnapshots.Render(snapshot);

        var first = Scrape(snapshot, cache);
        var second = Scrape(snapshot, cache);

        Assert.Equal(WithoutDurations(fresh), WithoutDurations(first));
        Assert.Equal(WithoutDurations(fresh), WithoutDurations(second));
        // Escaped and non-ASCII label values survive the UTF-8 copy.
        Assert.Contains("note\",node=\"node2\",value=\"quote \\\" backslash \\\\ newline \\n end\"} 1\n", second, StringComparison.Ordinal);
        Assert.Equal(3, second.Split('\n').Count(l => l.StartsWith("ha_cluster_scrape_duration_seconds{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Another_snapshot_is_rendered_anew_even_when_it_looks_alike()
    {
        var cache = new HaClusterMetricsCache();
        var before = SampleSnapshots.ThreeNodes();
        Scrape(before, cache);

        var failedOver = before with
        {
            Resources = [.. before.Resources.Select(r => r.Id == "apache" ? r with { Node = "node2" } : r)],
            Nodes = [.. before.Nodes.Select(n => n with { Online = n.Name != "node1" })],
        };
        var after = Scrape(failedOver, cache);

        Assert.Equal(WithoutDurations(SampleSnapshots.Render(failedOver)), WithoutDurations(after));
        Assert.Contains("ha_cluster_pacemaker_nodes{node=\"node1\",status=\"online\",type=\"member\"} 0\n", after, StringComparison.Ordinal);
        Assert.Contains("node=\"node2\",resource=\"apache\",role=\"started\",status=\"active\"} 1\n", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Families_written_from_the_cache_still_count_as_written()
    {
        var cache = new HaClusterMetricsCache();
        var snapshot = SampleSnapshots.ThreeNodes();
        Scrape(snapshot, cache);
        var text = new StringWriter();
        var writer = new PrometheusTextWriter(text);

        HaClusterMetrics.Write(snapshot, writer, cache);

        // The two identical stopped clone instances: five series written once, as without the cache.
        Assert.Equal(5, writer.DuplicatesSkipped);
        Assert.Throws<InvalidOperationException>(() => writer.BeginFamily("ha_cluster_pacemaker_nodes", MetricType.Gauge, "again"));
        Assert.Equal(WithoutDurations(SampleSnapshots.Render(snapshot)), WithoutDurations(text.ToString()));
    }

    [Fact]
    public void The_utf8_writer_encodes_characters_split_across_writes()
    {
        var bytes = new ArrayBufferWriter<byte>();
        var text = new Utf8BufferTextWriter(bytes);
        var pair = "\U0001F600";

        text.Write("nœud ");
        text.Write(pair[0]);
        text.Write(pair[1]);
        text.Write(new string('x', 10_000));

        Assert.Equal("nœud " + pair + new string('x', 10_000), Encoding.UTF8.GetString(bytes.WrittenSpan));
    }
}
