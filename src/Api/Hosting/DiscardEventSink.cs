using HaApi.Engine.Events;
using HaApi.Engine.Ports;

namespace HaApi.Api.Hosting;

/// <summary>Placeholder until the event hub is wired: events go nowhere.</summary>
internal sealed class DiscardEventSink : IEventSink
{
    public void Publish(ClusterEvent clusterEvent) { }
}
