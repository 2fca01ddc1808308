using System.Collections.Immutable;
using HaApi.Engine.Cluster;
using HaApi.Engine.Events;
using HaApi.Engine.Ports;
using HaApi.Engine.Scheduler;
using ClusterStatus = HaApi.Engine.Model.ClusterStatus;

namespace HaApi.Engine.Status;

/// <summary>
/// Builds the monitoring snapshot (what /metrics exposes) from the replicated configuration and the replicated
/// cluster status, and hands out the same snapshot again while neither changed. Resource placement is the
/// scheduler's own reading of the status (<see cref="CurrentState"/>), so the metrics never disagree with what the
/// DC acts on; that reading costs milliseconds on a large cluster, while Prometheus scrapes far more often than a
/// healthy cluster changes.
/// </summary>
/// <remarks>
/// Both inputs are immutable and swapped as whole objects on every change (the replica's state holds the
/// configuration, membership, quorum, DC and transient attributes; the status store rebuilds its status), so an
/// unchanged reference means unchanged content. The time matters only through failure-timeout expiry, which
/// <see cref="CurrentState.StableUntil"/> bounds. Safe for concurrent scrapes: at worst two build the same snapshot.
/// </remarks>
public sealed class ClusterSnapshotCache
{
    private sealed record Entry(ConfigurationReplica.Snapshot Replica, GroupMember Local, ClusterStatus Status,
        DateTimeOffset BuiltAt, DateTimeOffset? StableUntil, ClusterSnapshot Snapshot)
    {
        public bool Serves(ConfigurationReplica.Snapshot replica, GroupMember local, ClusterStatus status, DateTimeOffset now) =>
            ReferenceEquals(Replica, replica) && ReferenceEquals(Status, status) && Local == local
            // A clock set back could make an expired failure count again.
            && now >= BuiltAt && (StableUntil is not { } until || now < until);
    }

    private volatile Entry? _last;

    public ClusterSnapshot Get(ConfigurationReplica.Snapshot replica, GroupMember local, ClusterStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(status);
        if (_last is { } last && last.Serves(replica, local, status, now)) return last.Snapshot;
        var current = CurrentState.Unpack(new SchedulerInput(replica.Config, status, replica.Quorate, now));
        var snapshot = Build(replica, local, current);
        _last = new Entry(replica, local, status, now, current.StableUntil, snapshot);
        return snapshot;
    }

    private static ClusterSnapshot Build(ConfigurationReplica.Snapshot s, GroupMember local, CurrentState current)
    {
        var c = s.Config;
        var members = s.Members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
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
            [.. s.Members.Select(m => new QuorumMember(m.NodeId, m.Name, 1, m == local))]);
        return new ClusterSnapshot(local.Name, nodes, MonitoringResources.From(current), [], locations, attributes,
            c.Properties.StonithEnabled, c.Properties.MaintenanceMode, c.Version.ToString(),
            c.LastChange?.Time ?? DateTimeOffset.UnixEpoch, quorum, []);
    }
}
