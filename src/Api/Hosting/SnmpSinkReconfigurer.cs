using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Engine.Ports;
using HaApi.Integrations.Snmp;

namespace HaApi.Api.Hosting;

/// <summary>
/// Keeps an SNMP trap sink built from the current alerts: the sink takes its receivers at construction, so a
/// configuration change replaces it (the old one drains in the background).
/// </summary>
internal sealed class SnmpSinkReconfigurer(Func<ImmutableArray<Alert>> alerts, ILogger<SnmpTrapSink> log) : IEventSink, IAsyncDisposable
{
    private ImmutableArray<Alert> current = [];
    private SnmpTrapSink? sink;

    public void Publish(ClusterEvent clusterEvent)
    {
        var now = alerts();
        if (sink is null || now != current)
        {
            var old = sink;
            current = now;
            sink = new SnmpTrapSink(now.Where(a => a.Agent == Alert.SnmpAgent), logger: log);
            if (old is not null) _ = old.DisposeAsync().AsTask();
        }
        sink.Publish(clusterEvent);
    }

    public async ValueTask DisposeAsync()
    {
        if (sink is not null) await sink.DisposeAsync();
    }
}
