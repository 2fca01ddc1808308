using HaApi.Engine.Cluster;
using HaApi.Engine.Events;
using HaApi.Engine.Status;
using ClusterStatus = HaApi.Engine.Model.ClusterStatus;

namespace HaApi.Api.Hosting;

/// <summary>The monitoring snapshot (what /metrics exposes) of this node's replica and replicated status.</summary>
/// <param name="status">The replicated status (the controller's StatusStore); until wired, an empty status, in which
/// every resource is stopped.</param>
internal sealed class SnapshotBuilder(ConfigurationReplica replica, Func<ClusterStatus>? status = null, TimeProvider? time = null)
{
    private readonly ClusterSnapshotCache _cache = new();

    /// <summary>The same instance while nothing it shows changed (see <see cref="ClusterSnapshotCache"/>).</summary>
    public ClusterSnapshot Build() =>
        _cache.Get(replica.State, replica.Local, status?.Invoke() ?? ClusterStatus.Empty, (time ?? TimeProvider.System).GetUtcNow());
}
