using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Integrations.Alerts;
using HaApi.Integrations.PmLogconv;
using HaApi.Integrations.Prometheus;

namespace HaApi.Integrations.Tests.PmLogconv;

/// <summary>The monitoring sinks wired as the process wires them: one hub, each sink attached with its own queue.</summary>
public sealed class EventHubWiringTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haapi-wiring-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task One_event_stream_feeds_pm_logconv_alert_agents_and_metrics()
    {
        const string sampleAgent = "/usr/share/pacemaker/alerts/alert_file.sh.sample";
        if (!File.Exists(sampleAgent)) Assert.Fail($"{sampleAgent} is missing: install the Debian package 'pacemaker-common'.");
        var logPath = Path.Combine(_dir, "pm_logconv.out");
        var alertPath = Path.Combine(_dir, "alerts.log");
        ImmutableArray<Alert> alerts =
        [
            new("file", sampleAgent, [new AlertRecipient("dest", alertPath, ImmutableSortedDictionary<string, string>.Empty)],
                AlertKinds.All, ImmutableSortedDictionary<string, string>.Empty, [], TimeSpan.FromSeconds(10), "%H:%M:%S"),
        ];

        using var hub = new EventHub();
        using var metrics = new EngineMetrics(() => hub.DroppedTotal);
        using var collector = new MeterCollector(metrics.Meter);
        var pmLogconv = new PmLogconvFileSink(new PmLogconvOptions { HostName = "node1", OutputPath = logPath, TimeZone = TimeZoneInfo.Utc });
        var alertRunner = new AlertAgentRunner(new AlertRunnerOptions { TimeZone = TimeZoneInfo.Utc }, () => alerts);
        var attached = new[] { hub.Attach(pmLogconv), hub.Attach(alertRunner), hub.Attach(metrics) };

        var t = new DateTimeOffset(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);
        hub.Publish(new NodeMembershipChanged(t, "node1", "node2", 2, Member: false));
        hub.Publish(new ResourceOperationCompleted(t.AddSeconds(1), "node1", "node1", "vip", "ocf::heartbeat:IPaddr2", "start",
            TimeSpan.Zero, 0, 0, "Done", null, TimeSpan.FromMilliseconds(250)));

        // Each sink works at its own pace: wait for all three, then detach them.
        await WaitFor(() => Scrape(collector).Contains("haapi_operations_total{agent=\"ocf::heartbeat:IPaddr2\",operation=\"start\",result=\"ok\"} 1"));
        await WaitFor(() => File.Exists(alertPath) && File.ReadAllLines(alertPath).Length == 2);
        await WaitFor(() => pmLogconv.LinesWritten == 2);
        foreach (var a in attached) a.Dispose();
        await pmLogconv.DisposeAsync();
        await alertRunner.DisposeAsync();

        Assert.Equal(
        [
            "Jun 10 10:00:00 node1 warning: Node node2 is lost",
            "Jun 10 10:00:01 node1    info: Resource vip started. (rc=0) ok",
        ], await File.ReadAllLinesAsync(logPath));
        Assert.Equal(
        [
            "10:00:00: Node 'node2' is now 'lost'",
            "10:00:01: Resource operation 'start' for 'vip' on 'node1': ok",
        ], await File.ReadAllLinesAsync(alertPath));
        Assert.Equal(0, hub.DroppedTotal);
    }

    private static string Scrape(MeterCollector collector)
    {
        using var text = new StringWriter();
        MetricsExposition.Write(null, collector, text);
        return text.ToString();
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in 10 s");
            await Task.Delay(20);
        }
    }
}
