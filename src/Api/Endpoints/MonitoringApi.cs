using System.Text.Json;
using HaApi.Api.Hosting;
using HaApi.Engine.Events;
using HaApi.Integrations.Prometheus;

namespace HaApi.Api.Endpoints;

/// <summary>Prometheus /metrics (names compatible with ha_cluster_exporter) and the Server-Sent Events stream.</summary>
internal static class MonitoringApi
{
    private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    /// <summary>/metrics carries no secrets and is scraped without a token, as ha_cluster_exporter's is.</summary>
    public static void MapMetrics(this WebApplication app) =>
        app.MapGet("/metrics", async (HttpContext http, SnapshotBuilder snapshots, MeterCollector own, HaClusterMetricsCache cache) =>
        {
            http.Response.ContentType = PrometheusTextWriter.ContentType;
            // Encoded straight into the response's pooled buffers, which hold it until the flush: no string of the
            // whole (on a large cluster, megabyte) document, no synchronous I/O.
            MetricsExposition.Write(snapshots.Build(), own, http.Response.BodyWriter, cache);
            await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        }).WithTags("Monitoring").WithName("Metrics").WithSummary("Prometheus text exposition (ha_cluster_exporter metric names plus haapi_*)");

    public static void MapEvents(this RouteGroupBuilder api) =>
        api.MapGet("/events", async (HttpContext http, EventHub hub) =>
        {
            long? after = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var id) ? id : null;
            using var subscription = hub.Subscribe(after);
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            var ct = http.RequestAborted;
            if (subscription.Gap)
                await Write(http, $"event: gap\ndata: {{\"resumeFrom\":{subscription.FirstSequence}}}\n\n", ct);
            else
                await Write(http, ": connected\n\n", ct);
            try
            {
                await foreach (var e in subscription.Reader.ReadAllAsync(ct))
                {
                    var kind = e.GetType().Name;
                    var data = JsonSerializer.Serialize(e, e.GetType(), EventJson);
                    await Write(http, $"id: {e.Sequence}\nevent: {kind}\ndata: {data}\n\n", ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }).WithTags("Monitoring").WithName("Events")
          .WithSummary("Server-Sent Events: every engine event with its id; reconnect with Last-Event-ID to resume (an 'gap' event says what was lost)");

    private static async Task Write(HttpContext http, string text, CancellationToken ct)
    {
        await http.Response.WriteAsync(text, ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
