using HaApi.Engine.Cluster;
using HaApi.Engine.Events;
using HaApi.Integrations.Alerts;
using HaApi.Integrations.PmLogconv;
using HaApi.Integrations.Snmp;

namespace HaApi.Api.Hosting;

/// <summary>
/// Attaches every monitoring sink to the event hub, each on its own bounded subscription so that a slow receiver
/// holds up only itself: metrics, the pm_logconv file, alert agents and SNMP traps.
/// </summary>
internal sealed class MonitoringSinks(
    EventHub hub, EngineMetrics metrics, ConfigurationReplica replica, HaApiOptions options, ILoggerFactory loggers) : IHostedService
{
    private readonly List<IDisposable> attachments = [];
    private readonly List<IAsyncDisposable> sinks = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        attachments.Add(hub.Attach(metrics));

        var alertLog = loggers.CreateLogger<AlertAgentRunner>();
        var alerts = new AlertAgentRunner(new AlertRunnerOptions(), () => replica.Config.Alerts, line => alertLog.LogWarning("{Line}", line));
        Add(alerts, "alerts", () => alerts.Dropped, () => alerts.Failures + alerts.Timeouts);

        var snmp = new SnmpSinkReconfigurer(() => replica.Config.Alerts, loggers.CreateLogger<SnmpTrapSink>());
        sinks.Add(snmp);
        attachments.Add(hub.Attach(snmp));

        if (options.PmLogconvPath is not "none")
        {
            var pmLogconv = new PmLogconvFileSink(new PmLogconvOptions
            {
                HostName = options.ResolvedNodeName,
                OutputPath = string.IsNullOrEmpty(options.PmLogconvPath) ? PmLogconvOptions.DefaultOutputPath : options.PmLogconvPath,
            });
            Add(pmLogconv, "pm_logconv", () => pmLogconv.Dropped, () => pmLogconv.WriteFailures);
        }
        return Task.CompletedTask;
    }

    private void Add<T>(T sink, string name, Func<long> dropped, Func<long> failures) where T : Engine.Ports.IEventSink, IAsyncDisposable
    {
        sinks.Add(sink);
        attachments.Add(hub.Attach(sink));
        metrics.ObserveSink(name, dropped, failures);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var a in attachments) a.Dispose();
        foreach (var s in sinks) await s.DisposeAsync();
    }
}
