using HaApi.Engine.Events;

namespace HaApi.Engine.Ports;

/// <summary>Receives engine events. Publish must never block: sinks queue and drop under pressure.</summary>
public interface IEventSink
{
    void Publish(ClusterEvent clusterEvent);
}
