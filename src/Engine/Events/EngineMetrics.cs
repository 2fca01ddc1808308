using System.Diagnostics.Metrics;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;

namespace HaApi.Engine.Events;

/// <summary>
/// HaApi's own metrics, as System.Diagnostics.Metrics instruments on one Meter. Names are already in Prometheus
/// form (base units, "_seconds", counters ending "_total") so every exporter shows the same names.
/// Most are derived from the event stream (attach this sink to the EventHub); the controller calls
/// TransitionExecuted itself because a transition is not an event.
/// </summary>
public sealed class EngineMetrics : IEventSink, IDisposable
{
    public const string MeterName = "HaApi";

    private readonly Histogram<double> _failoverDuration;
    private readonly Counter<long> _failovers;
    private readonly Histogram<double> _operationDuration;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _fencings;
    private readonly Histogram<double> _fencingDuration;
    private readonly Counter<long> _transitions;
    private readonly object _gate = new();
    private ConfigVersion _configVersion = ConfigVersion.Initial;

    /// <param name="droppedEvents">Reads the event hub's dropped-event total (EventHub.DroppedTotal).</param>
    public EngineMetrics(Func<long>? droppedEvents = null)
    {
        Meter = new Meter(MeterName);
        _failoverDuration = Meter.CreateHistogram("haapi_failover_duration_seconds", "s",
            "Time from the start of a fail-over to its verdict", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600] });
        _failovers = Meter.CreateCounter<long>("haapi_failovers_total", null, "Fail-overs finished, by result");
        _operationDuration = Meter.CreateHistogram("haapi_operation_duration_seconds", "s",
            "Duration of resource agent operations, by agent and operation", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        _operations = Meter.CreateCounter<long>("haapi_operations_total", null,
            "Resource agent operations completed, by agent, operation and result");
        _fencings = Meter.CreateCounter<long>("haapi_fencing_operations_total", null, "Fencing operations completed, by action and result");
        _fencingDuration = Meter.CreateHistogram("haapi_fencing_duration_seconds", "s",
            "Duration of fencing operations, by action and result", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 60, 120, 300] });
        _transitions = Meter.CreateCounter<long>("haapi_transitions_total", null, "Transitions executed by this node as DC");
        Meter.CreateObservableGauge("haapi_configuration_version", ObserveConfigVersion, null,
            "The configuration version this node holds, one line per part (admin_epoch, epoch, num_updates)");
        if (droppedEvents is not null)
            Meter.CreateObservableCounter("haapi_events_dropped_total", droppedEvents, null,
                "Engine events that a slow subscriber or sink lost because its queue was full");
    }

    public Meter Meter { get; }

    public void TransitionExecuted() => _transitions.Add(1);

    /// <summary>
    /// Exports a monitoring sink's own counters (pm_logconv file, alert agents, SNMP...) as
    /// haapi_sink_events_dropped_total{sink} and haapi_sink_failures_total{sink}.
    /// </summary>
    public void ObserveSink(string sink, Func<long> dropped, Func<long> failures)
    {
        var tag = new KeyValuePair<string, object?>("sink", sink);
        Meter.CreateObservableCounter("haapi_sink_events_dropped_total", () => new Measurement<long>(dropped(), tag), null,
            "Events a monitoring sink dropped because its own queue was full");
        Meter.CreateObservableCounter("haapi_sink_failures_total", () => new Measurement<long>(failures(), tag), null,
            "Deliveries a monitoring sink failed (write errors, agent failures and timeouts)");
    }

    public void Publish(ClusterEvent clusterEvent)
    {
        switch (clusterEvent)
        {
            case ResourceOperationCompleted op:
                var result = OperationResultName(op);
                _operations.Add(1, new("agent", op.Agent), new("operation", op.Operation), new("result", result));
                _operationDuration.Record(op.Duration.TotalSeconds, new("agent", op.Agent), new("operation", op.Operation));
                break;
            case FencingCompleted { Device: null } f: // the request's outcome; per-device runs carry a device
                var fenceResult = f.Succeeded ? "ok" : "failed";
                _fencings.Add(1, new("action", f.Action), new("result", fenceResult));
                _fencingDuration.Record(f.Duration.TotalSeconds, new("action", f.Action), new("result", fenceResult));
                break;
            case FailoverCompleted fo:
                var foResult = fo.Succeeded ? "succeeded" : "failed";
                _failovers.Add(1, new KeyValuePair<string, object?>("result", foResult));
                _failoverDuration.Record(fo.Duration.TotalSeconds, new KeyValuePair<string, object?>("result", foResult));
                break;
            case ConfigurationChanged c when ConfigVersion.TryParse(c.Version, out var version):
                lock (_gate) _configVersion = version;
                break;
        }
    }

    private IEnumerable<Measurement<long>> ObserveConfigVersion()
    {
        ConfigVersion v;
        lock (_gate) v = _configVersion;
        return
        [
            new(v.AdminEpoch, new KeyValuePair<string, object?>("part", "admin_epoch")),
            new(v.Epoch, new KeyValuePair<string, object?>("part", "epoch")),
            new(v.NumUpdates, new KeyValuePair<string, object?>("part", "num_updates")),
        ];
    }

    private static string OperationResultName(ResourceOperationCompleted op) => op.Status switch
    {
        "Done" => op.Rc == op.ExpectedRc ? "ok" : "failed",
        "TimedOut" => "timeout",
        "Cancelled" => "cancelled",
        _ => "error",
    };

    public void Dispose() => Meter.Dispose();
}
