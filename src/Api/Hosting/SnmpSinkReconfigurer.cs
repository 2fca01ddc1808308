using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Snmp;

namespace HaApi.Api.Hosting;

/// <summary>Keeps the SNMP trap sink's receivers in step with the configured alerts.</summary>
internal sealed class SnmpSinkReconfigurer(Func<ImmutableArray<Alert>> alerts, ILogger<SnmpTrapSink> log) : IEventSink, IAsyncDisposable
{
    private readonly SnmpTrapSink sink = new([], logger: log);
    private ImmutableArray<Alert> current = [];

    public void Publish(ClusterEvent clusterEvent)
    {
        var now = alerts();
        if (now != current)
        {
            current = now;
            try
            {
                sink.Configure(now);
            }
            catch (SnmpConfigurationException e)
            {
                // The previous receivers stay in force; the message names the alert and parameter, never its value.
                log.LogError("SNMP alert configuration not applied: {Reason}", e.Message);
            }
        }
        sink.Publish(clusterEvent);
    }

    public ValueTask DisposeAsync() => sink.DisposeAsync();
}
