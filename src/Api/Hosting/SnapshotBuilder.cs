using System.Collections.Immutable;
using HaApi.Engine.Cluster;
using HaApi.Engine.Events;
using ClusterStatus = HaApi.Engine.Model.ClusterStatus;
using HaApi.Engine.Scheduler;
using HaApi.Engine.Status;

namespace HaApi.Api.Hosting;

/// <summary>
/// Builds the monitoring snapshot (what /metrics exposes) from the replicated configuration and the replicated
/// cluster status. Resource placement is the scheduler's own reading of the status (<see cref="CurrentState"/>),
/// so the metrics never disagree with what the DC acts on.
/// </summary>
/// <param name="status">The replicated status (the controller's StatusStore); until wired, an empty status, in which
/// every resource is stopped.</param>
internal sealed class SnapshotBuilder(ConfigurationReplica replica, Func<ClusterStatus>? status = null, TimeProvider? time = null)
{
    public ClusterSnapshot Build()
    {
        var s = replica.State;
        var c = s.Config;
        var members = s.Members.Select(m => m.Name).ToHashSet();
        var nodes = c.Nodes.Select(n => new NodeState(n.Name, n.Id, ClusterNodeType.Member, members.Contains(n.Name),
            Standby: n.Standby, Maintenance: n.Maintenance, IsDc: s.Dc == n.Name)).ToImmutableArray();
        var attributes = c.Nodes.SelectMany(n => n.Attributes.Select(a => new NodeAttributeState(n.Name, a.Key, a.Value)))
            .Concat(s.TransientAttributes.SelectMany(t => t.Value.Select(a => new NodeAttributeState(t.Key, a.Key, a.Value))))
            .ToImmutableArray();
        var locations = c.Locations.Where(l => l.Node is not null && l.Score is not null)
            .Select(l => new LocationConstraintState(l.Id, l.Resource, l.Node, l.Score!.Value.Value, l.Role?.ToString())).ToImmutableArray();
        var votes = s.Votes;
        var quorum = new QuorumState(s.Quorate, (int)(votes?.ExpectedVotes ?? 1), (int)(votes?.ExpectedVotes ?? 1),
            (int)(votes?.TotalVotes ?? (uint)s.Members.Length), (int)(votes?.QuorumVotes ?? 1),
            [.. s.Members.Select(m => new QuorumMember(m.NodeId, m.Name, 1, m == replica.Local))]);
        var current = CurrentState.Unpack(new SchedulerInput(c, status?.Invoke() ?? ClusterStatus.Empty, s.Quorate,
            (time ?? TimeProvider.System).GetUtcNow()));
        return new ClusterSnapshot(replica.Local.Name, nodes, MonitoringResources.From(current), [], locations, attributes,
            c.Properties.StonithEnabled, c.Properties.MaintenanceMode, c.Version.ToString(),
            c.LastChange?.Time ?? DateTimeOffset.UnixEpoch, quorum, []);
    }
}
