using HaApi.Engine.Cluster;

namespace HaApi.Engine.Controller;

/// <summary>
/// An operator asked to clean up ResourceId (every resource when null) on Node (every node when null): its fail
/// counts and history are forgotten on every node at the same point of the agreed order, and the DC re-probes it.
/// Any node may send it, like crm_resource --cleanup writes to the CIB from any node.
/// </summary>
public sealed record ResourceCleanup(Guid Id, string? ResourceId, string? Node, string Author, DateTimeOffset Time) : ClusterMessage;
