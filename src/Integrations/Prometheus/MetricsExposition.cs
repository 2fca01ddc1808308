using System.Buffers;
using HaApi.Engine.Events;

namespace HaApi.Integrations.Prometheus;

/// <summary>
/// The /metrics document: the ha_cluster_exporter-compatible cluster metrics from a snapshot, then HaApi's own
/// instruments. Serve it with PrometheusTextWriter.ContentType.
/// </summary>
public static class MetricsExposition
{
    public static void Write(ClusterSnapshot? snapshot, MeterCollector? own, TextWriter output) => Write(snapshot, own, output, null);

    /// <param name="cache">Keeps the cluster families of the last snapshot for the next scrape of the same snapshot.</param>
    public static void Write(ClusterSnapshot? snapshot, MeterCollector? own, TextWriter output, HaClusterMetricsCache? cache)
    {
        var writer = new PrometheusTextWriter(output);
        if (snapshot is not null) HaClusterMetrics.Write(snapshot, writer, cache);
        own?.Write(writer);
    }

    /// <summary>
    /// The document encoded as UTF-8 into <paramref name="output"/> (an HTTP response's PipeWriter): cached families
    /// are copied as bytes, never decoded.
    /// </summary>
    public static void Write(ClusterSnapshot? snapshot, MeterCollector? own, IBufferWriter<byte> output, HaClusterMetricsCache? cache)
    {
        using var text = new Utf8BufferTextWriter(output);
        Write(snapshot, own, text, cache);
    }

    public static void Write(ClusterSnapshot snapshot, TextWriter output) => Write(snapshot, null, output);
}
