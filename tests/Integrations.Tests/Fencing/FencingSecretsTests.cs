using System.Collections.Concurrent;
using HaApi.Engine.Controller;
using HaApi.Engine.Events;
using HaApi.Engine.Fencing;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Fencing;
using HaApi.Integrations.Tests.Snmp;
using static HaApi.Integrations.Tests.Fencing.Devices;

namespace HaApi.Integrations.Tests.Fencing;

/// <summary>
/// Fence device secrets never leave fencing: not in events, log lines, the outcome or the history, even when agents
/// print them, and even when one device's agent prints another device's secret.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FencingSecretsTests
{
    private const string Password = "s3cr3t-BMC-pass";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string PduCommunity = "pdu-community-42";
    private static readonly string[] Secrets = [Password, SecretKey, AccessKey, PduCommunity];

    private sealed class Events : IEventSink
    {
        public ConcurrentQueue<ClusterEvent> Published { get; } = new();
        public void Publish(ClusterEvent clusterEvent) => Published.Enqueue(clusterEvent);
    }

    [Fact]
    public async Task Secrets_printed_by_agents_appear_nowhere_in_events_logs_outcomes_history_traps_or_metrics()
    {
        using var dir = new TempDir();
        // Level 1 echoes its stdin (as fencing.py does for unknown options), complains with its password and with the
        // next device's community string, and fails. Level 2 succeeds but prints its own credentials.
        dir.Script("fence_leaky", $$"""
            while read -r l; do echo "Parse error: Ignoring unknown option '$l'" | tee /dev/stderr; done
            echo "Failed: login as admin with password {{Password}} refused (pdu uses {{PduCommunity}})" >&2
            exit 1
            """);
        dir.Script("fence_chatty", $$"""
            cat >/dev/null
            echo "Success: Powered OFF using key {{AccessKey}}:{{SecretKey}}"
            """);
        var config = ClusterConfig.Empty with
        {
            FenceDevices =
            [
                Make("ipmi", "fence_leaky", [P("login", "admin"), P("passwd", Password)], hostMap: "node2:bmc2") with { Retries = 1 },
                Make("cloud", "fence_chatty", [P("access_key", AccessKey), P("secret_key", SecretKey), P("community", PduCommunity)]),
            ],
            FencingLevels = [new FencingLevel("node2", 1, ["ipmi"]), new FencingLevel("node2", 2, ["cloud"])],
        };
        var events = new Events();
        var log = new ListLogger<ControllerFencing>();
        var fencer = new Fencer([new FenceAgentRunner(new FenceAgentRunnerOptions { AgentDirectory = dir.Path })],
            new FencerOptions("node1"), TimeProvider.System, new Random(1), new FencingHistory(), events);
        var reported = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fencing = new ControllerFencing(fencer, () => config, "node1", events, TimeProvider.System, log,
            (_, _, _, reason) => reported.TrySetResult(reason));

        var manual = await fencing.FenceManuallyAsync("node2", FenceAction.Off, "node1", CancellationToken.None);
        // A failing order, so that the failure reason handed to the controller is checked too.
        config = config with { FencingLevels = [new FencingLevel("node2", 1, ["ipmi"])] };
        fencing.Fence(new FencingOrder("t1:1", "node2", "reboot", TimeSpan.FromSeconds(30)));
        var orderReason = await reported.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(manual.Success, manual.Reason);
        var texts = events.Published.Select(e => e.ToString())
            .Concat(log.Entries.Select(e => e.Message))
            .Concat([manual.Reason, orderReason ?? ""])
            .Concat(fencer.History.Snapshot().SelectMany(o => o.Attempts.Select(a => $"{o.Reason} {a.Reason} {a.Output}")))
            .ToList();
        // What the events become for the NOC: the PACEMAKER-MIB traps' varbinds and the /metrics exposition.
        using var metrics = new EngineMetrics(() => 0);
        using var collector = new HaApi.Integrations.Prometheus.MeterCollector(metrics.Meter);
        foreach (var e in events.Published)
        {
            metrics.Publish(e);
            if (HaApi.Integrations.Snmp.Pacemaker.PacemakerNotificationMapper.Map(e) is { } trap) texts.Add(trap.ToString());
        }
        Assert.Contains(texts, t => t.Contains("st_notify_fence", StringComparison.Ordinal));
        var exposition = new StringWriter();
        HaApi.Integrations.Prometheus.MetricsExposition.Write(null, collector, exposition);
        Assert.Contains("haapi_fencing_operations_total", exposition.ToString());
        texts.Add(exposition.ToString());
        foreach (var secret in Secrets)
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));

        // The agents' words did get through, masked: the test would otherwise pass on empty output.
        Assert.Contains(texts, t => t.Contains("password *** refused (pdu uses ***)", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("Ignoring unknown option 'passwd=***'", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("Powered OFF using key ***:***", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Message.Contains("device ipmi failed", StringComparison.Ordinal) && e.Message.Contains("***", StringComparison.Ordinal));
        Assert.Contains(events.Published.OfType<FencingCompleted>(), c => c.Device == "ipmi" && c.Reason!.Contains("***", StringComparison.Ordinal));
    }
}
