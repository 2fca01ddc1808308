using System.Diagnostics.Metrics;

namespace HaApi.Integrations.Prometheus;

/// <summary>
/// Collects the instruments of one Meter with a MeterListener and writes them in Prometheus form: counters
/// summed, gauges and observable counters as last observed, histograms bucketed by the instrument's advised
/// boundaries. Listening to one Meter instance (not a name) keeps parallel hosts and tests apart.
/// </summary>
public sealed class MeterCollector : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly MeterListener _listener;
    private readonly object _gate = new();
    // Insertion-ordered so the exposition is stable between scrapes.
    private readonly List<Instrument> _instruments = [];
    private readonly Dictionary<Instrument, Dictionary<string, Series>> _series = [];

    public MeterCollector(Meter meter)
    {
        _meter = meter;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, _meter)) return;
                lock (_gate)
                {
                    _instruments.Add(instrument);
                    _series[instrument] = new Dictionary<string, Series>(StringComparer.Ordinal);
                }
                listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Write(PrometheusTextWriter writer)
    {
        lock (_gate)
        {
            // Observables report current values: forget the previous observation so vanished series go away.
            foreach (var instrument in _instruments.Where(i => i.IsObservable)) _series[instrument].Clear();
        }
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            // Instruments sharing a name (one per sink, say) make one family; a repeated label set is written once.
            foreach (var family in _instruments.GroupBy(i => i.Name))
            {
                var first = family.First();
                var type = TypeOf(first);
                writer.BeginFamily(first.Name, type, first.Description ?? first.Name);
                foreach (var instrument in family.Where(i => TypeOf(i) == type))
                {
                    foreach (var series in _series[instrument].Values)
                    {
                        if (type == MetricType.Histogram)
                            writer.Histogram(series.Bounds!, series.Buckets!, series.Value, series.Labels);
                        else
                            writer.Sample(series.Value, series.Labels);
                    }
                }
            }
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new (string Name, string Value)[tags.Length];
        for (var i = 0; i < tags.Length; i++) labels[i] = (tags[i].Key, Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var key = string.Join('\u0001', labels.Select(l => l.Name + '\u0002' + l.Value));
        lock (_gate)
        {
            if (!_series.TryGetValue(instrument, out var byLabels)) return;
            if (!byLabels.TryGetValue(key, out var series))
            {
                series = new Series(labels, TypeOf(instrument) == MetricType.Histogram ? Bounds(instrument) : null);
                byLabels[key] = series;
            }
            switch (TypeOf(instrument))
            {
                case MetricType.Histogram:
                    series.Observe(value);
                    break;
                case MetricType.Counter when !instrument.IsObservable:
                case MetricType.Gauge when Definition(instrument) == typeof(UpDownCounter<>):
                    series.Value += value;
                    break;
                default:
                    series.Value = value;
                    break;
            }
        }
    }

    private static double[] Bounds(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } advised } => [.. advised],
        Histogram<long> { Advice.HistogramBucketBoundaries: { Count: > 0 } advised } => [.. advised.Select(b => (double)b)],
        Histogram<int> { Advice.HistogramBucketBoundaries: { Count: > 0 } advised } => [.. advised.Select(b => (double)b)],
        _ => DefaultBuckets,
    };

    private static Type? Definition(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } t ? t.GetGenericTypeDefinition() : null;

    // Counters are monotonic; UpDownCounters and gauges may go down, which Prometheus calls a gauge.
    private static MetricType TypeOf(Instrument instrument)
    {
        var definition = Definition(instrument);
        if (definition == typeof(Histogram<>)) return MetricType.Histogram;
        if (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>)) return MetricType.Counter;
        return MetricType.Gauge;
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Series((string Name, string Value)[] labels, double[]? bounds)
    {
        public (string Name, string Value)[] Labels { get; } = labels;
        public double[]? Bounds { get; } = bounds;
        public long[]? Buckets { get; } = bounds is null ? null : new long[bounds.Length + 1];
        public double Value { get; set; }

        public void Observe(double value)
        {
            // Prometheus buckets are upper-inclusive (le): the first bound ≥ value.
            var i = 0;
            while (i < Bounds!.Length && value > Bounds[i]) i++;
            Buckets![i]++;
            Value += value;
        }
    }
}
