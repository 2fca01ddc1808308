using System.Diagnostics.Metrics;
using HaApi.Engine.Events;
using HaApi.Integrations.Prometheus;

namespace HaApi.Integrations.Tests.Prometheus;

public class MeterCollectorTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.UnixEpoch;

    private static List<ParsedSample> Collect(MeterCollector collector)
    {
        using var text = new StringWriter();
        MetricsExposition.Write(null, collector, text);
        return ExpositionParser.Parse(text.ToString());
    }

    private static double Value(List<ParsedSample> samples, string name, params (string Label, string Value)[] match) =>
        Assert.Single(samples, s => s.Name == name && match.All(m => s.Labels.TryGetValue(m.Label, out var v) && v == m.Value)).Value;

    [Fact]
    public void Operation_events_become_counts_by_result_and_duration_histograms_by_agent_and_operation()
    {
        using var metrics = new EngineMetrics();
        using var collector = new MeterCollector(metrics.Meter);
        void Op(string op, int rc, string status, double seconds) => metrics.Publish(new ResourceOperationCompleted(
            T, "n1", "n1", "web", "ocf::heartbeat:apache", op, TimeSpan.Zero, rc, 0, status, null, TimeSpan.FromSeconds(seconds)));
        Op("start", 0, "Done", 0.3);
        Op("start", 0, "Done", 3);
        Op("start", 1, "Done", 0.04);
        Op("stop", 0, "TimedOut", 20);

        var s = Collect(collector);

        Assert.Equal(2, Value(s, "haapi_operations_total", ("operation", "start"), ("result", "ok")));
        Assert.Equal(1, Value(s, "haapi_operations_total", ("operation", "start"), ("result", "failed")));
        Assert.Equal(1, Value(s, "haapi_operations_total", ("operation", "stop"), ("result", "timeout")));
        Assert.Equal(1, Value(s, "haapi_operation_duration_seconds_bucket", ("operation", "start"), ("le", "0.05")));
        Assert.Equal(2, Value(s, "haapi_operation_duration_seconds_bucket", ("operation", "start"), ("le", "0.5")));
        Assert.Equal(3, Value(s, "haapi_operation_duration_seconds_bucket", ("operation", "start"), ("le", "+Inf")));
        Assert.Equal(3, Value(s, "haapi_operation_duration_seconds_count", ("agent", "ocf::heartbeat:apache"), ("operation", "start")));
        Assert.Equal(3.34, Value(s, "haapi_operation_duration_seconds_sum", ("operation", "start")), 9);
    }

    [Fact]
    public void Fencing_failover_transitions_config_version_and_dropped_events_are_exported()
    {
        var dropped = 0L;
        using var metrics = new EngineMetrics(() => dropped);
        using var collector = new MeterCollector(metrics.Meter);
        metrics.Publish(new FencingCompleted(T, "n1", "n2", "reboot", null, false, "timeout", TimeSpan.FromSeconds(60)));
        metrics.Publish(new FencingCompleted(T, "n1", "n2", "reboot", null, true, null, TimeSpan.FromSeconds(8)));
        // A device's run inside that request is detail, not a second fencing.
        metrics.Publish(new FencingCompleted(T, "n1", "n2", "reboot", "fence_n2", true, null, TimeSpan.FromSeconds(7)));
        metrics.Publish(new FailoverCompleted(T, "n1", false, TimeSpan.FromSeconds(45)));
        metrics.Publish(new ConfigurationChanged(T, "n1", "1.17.4", "root", "x"));
        metrics.TransitionExecuted();
        metrics.TransitionExecuted();
        dropped = 5;

        var s = Collect(collector);

        Assert.Equal(1, Value(s, "haapi_fencing_operations_total", ("action", "reboot"), ("result", "failed")));
        Assert.Equal(1, Value(s, "haapi_fencing_duration_seconds_bucket", ("action", "reboot"), ("result", "ok"), ("le", "10")));
        Assert.Equal(1, Value(s, "haapi_fencing_operations_total", ("action", "reboot"), ("result", "ok")));
        Assert.Equal(1, Value(s, "haapi_failovers_total", ("result", "failed")));
        Assert.Equal(0, Value(s, "haapi_failover_duration_seconds_bucket", ("result", "failed"), ("le", "30")));
        Assert.Equal(1, Value(s, "haapi_failover_duration_seconds_bucket", ("result", "failed"), ("le", "60")));
        Assert.Equal(2, Value(s, "haapi_transitions_total"));
        Assert.Equal(17, Value(s, "haapi_configuration_version", ("part", "epoch")));
        Assert.Equal(4, Value(s, "haapi_configuration_version", ("part", "num_updates")));
        Assert.Equal(5, Value(s, "haapi_events_dropped_total"));

        dropped = 9;
        Assert.Equal(9, Value(Collect(collector), "haapi_events_dropped_total"));
    }

    [Fact]
    public void Sink_counters_of_several_sinks_share_one_family()
    {
        using var metrics = new EngineMetrics();
        using var collector = new MeterCollector(metrics.Meter);
        metrics.ObserveSink("pm_logconv", () => 3, () => 1);
        metrics.ObserveSink("alerts", () => 0, () => 7);

        using var text = new StringWriter();
        MetricsExposition.Write(null, collector, text);
        var s = ExpositionParser.Parse(text.ToString());

        Assert.Equal(3, Value(s, "haapi_sink_events_dropped_total", ("sink", "pm_logconv")));
        Assert.Equal(7, Value(s, "haapi_sink_failures_total", ("sink", "alerts")));
        Assert.Equal(1, text.ToString().Split('\n').Count(l => l == "# TYPE haapi_sink_failures_total counter"));
    }

    [Fact]
    public void A_collector_ignores_other_meters_even_with_the_same_name()
    {
        using var mine = new EngineMetrics();
        using var other = new EngineMetrics();
        using var collector = new MeterCollector(mine.Meter);
        other.TransitionExecuted();
        mine.TransitionExecuted();

        Assert.Equal(1, Value(Collect(collector), "haapi_transitions_total"));
    }

    [Fact]
    public void Up_down_counters_sum_and_gauges_keep_the_last_value()
    {
        using var meter = new Meter("test-" + Guid.NewGuid());
        using var collector = new MeterCollector(meter);
        var queue = meter.CreateUpDownCounter<long>("test_queue_length", null, "Queued");
        var temp = meter.CreateGauge<double>("test_temperature_celsius", null, "Temp");
        queue.Add(5);
        queue.Add(-2);
        temp.Record(20);
        temp.Record(21.5);

        var s = Collect(collector);
        Assert.Equal(3, Value(s, "test_queue_length"));
        Assert.Equal(21.5, Value(s, "test_temperature_celsius"));
    }

    [Fact]
    public void Integer_histograms_use_their_advised_buckets()
    {
        using var meter = new Meter("test-" + Guid.NewGuid());
        using var collector = new MeterCollector(meter);
        var sizes = meter.CreateHistogram("test_batch_size", null, "Batch", tags: null,
            new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 10, 100] });
        sizes.Record(1);
        sizes.Record(50);
        sizes.Record(5000);

        var s = Collect(collector);
        Assert.Equal(1, Value(s, "test_batch_size_bucket", ("le", "1")));
        Assert.Equal(1, Value(s, "test_batch_size_bucket", ("le", "10")));
        Assert.Equal(2, Value(s, "test_batch_size_bucket", ("le", "100")));
        Assert.Equal(3, Value(s, "test_batch_size_bucket", ("le", "+Inf")));
        Assert.Equal(5051, Value(s, "test_batch_size_sum"));
    }
}
