using HaApi.Integrations.Prometheus;

namespace HaApi.Integrations.Tests.Prometheus;

public class PrometheusTextWriterTests
{
    private static string Write(Action<PrometheusTextWriter> body)
    {
        using var text = new StringWriter();
        body(new PrometheusTextWriter(text));
        return text.ToString();
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_and_help_escapes_backslash_and_newline()
    {
        var output = Write(w =>
        {
            w.BeginFamily("x_info", MetricType.Gauge, "line one\nback\\slash \"quoted\"");
            w.Sample(1, ("path", "C:\\dir"), ("msg", "say \"hi\"\nbye"));
        });

        Assert.Equal(
            "# HELP x_info line one\\nback\\\\slash \"quoted\"\n" +
            "# TYPE x_info gauge\n" +
            "x_info{path=\"C:\\\\dir\",msg=\"say \\\"hi\\\"\\nbye\"} 1\n",
            output);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1571399302.0, "1571399302")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void Values_are_formatted_as_round_trip_invariant_floats(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));

    [Fact]
    public void A_histogram_writes_cumulative_buckets_ending_in_inf_then_sum_and_count()
    {
        var output = Write(w =>
        {
            w.BeginFamily("op_duration_seconds", MetricType.Histogram, "Op duration");
            w.Histogram([0.5, 1, 2.5], [3, 0, 2, 1], 7.25, ("agent", "ocf::heartbeat:IPaddr2"));
        });

        Assert.Equal(
            "# HELP op_duration_seconds Op duration\n" +
            "# TYPE op_duration_seconds histogram\n" +
            "op_duration_seconds_bucket{agent=\"ocf::heartbeat:IPaddr2\",le=\"0.5\"} 3\n" +
            "op_duration_seconds_bucket{agent=\"ocf::heartbeat:IPaddr2\",le=\"1\"} 3\n" +
            "op_duration_seconds_bucket{agent=\"ocf::heartbeat:IPaddr2\",le=\"2.5\"} 5\n" +
            "op_duration_seconds_bucket{agent=\"ocf::heartbeat:IPaddr2\",le=\"+Inf\"} 6\n" +
            "op_duration_seconds_sum{agent=\"ocf::heartbeat:IPaddr2\"} 7.25\n" +
            "op_duration_seconds_count{agent=\"ocf::heartbeat:IPaddr2\"} 6\n",
            output);
    }

    [Fact]
    public void A_repeated_label_set_is_written_once()
    {
        var writer = default(PrometheusTextWriter);
        var output = Write(w =>
        {
            writer = w;
            w.BeginFamily("r", MetricType.Gauge, "h");
            w.Sample(0, ("resource", "ping"), ("node", ""));
            w.Sample(0, ("resource", "ping"), ("node", ""));
        });
        Assert.Single(output.Split('\n'), l => l.StartsWith("r{", StringComparison.Ordinal));
        Assert.Equal(1, writer!.DuplicatesSkipped);
    }

    [Fact]
    public void Duplicates_are_caught_among_thousands_of_series_and_forgotten_with_the_family()
    {
        var writer = default(PrometheusTextWriter);
        var output = Write(w =>
        {
            writer = w;
            w.BeginFamily("r", MetricType.Gauge, "h");
            for (var i = 0; i < 5000; i++) w.Sample(i, ("resource", $"rsc{i}"), ("node", $"node{i % 3}"));
            for (var i = 0; i < 5000; i += 7) w.Sample(-1, ("resource", $"rsc{i}"), ("node", $"node{i % 3}"));
            w.BeginFamily("s", MetricType.Gauge, "h");
            w.Sample(1, ("resource", "rsc0"), ("node", "node0"));
        });

        var lines = output.Split('\n');
        Assert.Equal(5000, lines.Count(l => l.StartsWith("r{", StringComparison.Ordinal)));
        Assert.Contains("r{resource=\"rsc4998\",node=\"node0\"} 4998", lines);
        Assert.DoesNotContain(lines, l => l.EndsWith(" -1", StringComparison.Ordinal));
        Assert.Equal(715, writer!.DuplicatesSkipped);
        Assert.Contains("s{resource=\"rsc0\",node=\"node0\"} 1", lines);
    }

    [Fact]
    public void Rendered_text_is_kept_in_small_heap_chunks_of_whole_lines()
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < 20_000; i++) text.Append("r{resource=\"rsc").Append(i).Append("\",node=\"n\u00f6de\"} 1\n");
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text.ToString());

        var chunks = RenderedFamilies.Chunk(utf8);

        Assert.True(chunks.Length > 1);
        Assert.All(chunks, c => Assert.True(c.Length < 85_000 && c[^1] == (byte)'\n', $"chunk of {c.Length} bytes"));
        Assert.Equal(utf8, chunks.SelectMany(c => c).ToArray());
    }

    [Fact]
    public void Invalid_names_and_split_families_are_programming_errors()
    {
        Assert.Throws<ArgumentException>(() => Write(w => w.BeginFamily("1bad", MetricType.Gauge, "h")));
        Assert.Throws<ArgumentException>(() => Write(w => { w.BeginFamily("ok", MetricType.Gauge, "h"); w.Sample(1, ("bad-label", "v")); }));
        Assert.Throws<ArgumentException>(() => Write(w => { w.BeginFamily("ok", MetricType.Gauge, "h"); w.Sample(1, ("__reserved", "v")); }));
        // A valid name seen before at the same position does not let an invalid one through.
        Assert.Throws<ArgumentException>(() => Write(w => { w.BeginFamily("ok", MetricType.Gauge, "h"); w.Sample(1, ("a", "v"), ("b", "v")); w.Sample(1, ("a", "v"), ("b-c", "v")); }));
        Assert.Throws<InvalidOperationException>(() => Write(w => { w.BeginFamily("a", MetricType.Gauge, "h"); w.BeginFamily("a", MetricType.Gauge, "h"); }));
    }
}
